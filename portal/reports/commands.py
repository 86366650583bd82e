"""`flask worker` — the export worker for multi-process deployments (REPORTS_WORKER=external): one
separate process that runs the queued bulk exports, so web workers never render long PDFs themselves.
The blueprint has no CLI group (cli_group=None), so the command is `flask worker`, not `flask reports …`."""
import time

import click

from portal.extensions import db
from portal.reports import bp
from portal.reports.jobs import run_pending


def _interval(_ctx, _param, value: float) -> float:
    if value < 0.2:
        raise click.BadParameter("cần ít nhất 0,2 giây")
    return value


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="Chạy các yêu cầu xuất đang chờ rồi thoát.")
@click.option("--interval", default=2.0, show_default=True, type=float, callback=_interval,
              help="Số giây giữa hai lần kiểm tra hàng đợi.")
def worker(once: bool, interval: float) -> None:
    """Chạy các yêu cầu xuất báo cáo hàng loạt (ZIP) đang chờ."""
    click.echo("Tiến trình xuất báo cáo đang chạy" + ("" if once else " (Ctrl+C để dừng)") + ".")
    try:
        while True:
            ran = run_pending()
            db.session.remove()
            if ran:
                click.echo(f"Đã chạy {ran} yêu cầu xuất.")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Đã dừng tiến trình xuất báo cáo.")
