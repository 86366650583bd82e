"""Keyboard helpers of the council's browser test and bench (tests/e2e/test_appraisal_decisions_browser.py,
bench/bench_council_actions.py): walk a field of the appraisal page with the keyboard and count every key
pressed and every text typed. A text typed into a box counts as one action, whatever its length."""
from playwright.sync_api import expect


class Counter:
    """Clicks, keystrokes and texts typed on one page, the actions of the bench line."""

    def __init__(self, page):
        self.page, self.keys, self.clicks, self.texts = page, 0, 0, 0

    @property
    def actions(self) -> int:
        return self.keys + self.clicks + self.texts

    def press(self, key: str) -> None:
        self.keys += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.texts += 1
        self.page.keyboard.type(text)

    def focused(self) -> dict:
        return self.page.evaluate("""() => { const e = document.activeElement;
            const label = e && e.labels && e.labels[0] ? e.labels[0].innerText.trim() : '';
            return {id: e ? e.id : '', tag: e ? e.tagName : '', type: e ? (e.type || '') : '', name: e ? (e.name || '') : '',
                    checked: !!(e && e.checked), label}; }""")

    def tab_until(self, test, limit: int = 40) -> dict:
        for _ in range(limit):
            self.press("Tab")
            now = self.focused()
            if test(now):
                return now
        raise AssertionError("the keyboard never reached the expected control")


def first_undecided_agree(page) -> str:
    """The id of the agree button of the first item without a decision."""
    return page.locator("article.item.undecided button.agree").first.get_attribute("id")


def wait_focus(page, element_id: str) -> None:
    """Save-and-next moves the focus once the swapped item has settled: wait for it (never a key)."""
    page.wait_for_function("id => document.activeElement && document.activeElement.id === id", arg=element_id,
                           timeout=10_000)


def agree_by_keyboard(keys: Counter, criterion_id: str) -> None:
    """The focus is on the item's agree button: Enter; the item comes back agreed."""
    wait_focus(keys.page, f"agree-{criterion_id}")
    keys.press("Enter")
    expect(keys.page.locator(f"#item-{criterion_id} .badge-done")).to_contain_text("Đã đồng ý với điểm tự chấm")


def choice_key(page, criterion_id: str, label: str) -> str:
    """The number key that picks ``label`` among the item's choices (1 for the first, 2 for the second …)."""
    labels = page.evaluate("""cid => Array.from(
        document.querySelectorAll(`#item-${cid} form.item-form .item-inputs input[type=radio]`))
        .map(r => { const label = r.closest('label').cloneNode(true);   // without the hidden "1.2 – " prefix
                        label.querySelectorAll('.visually-hidden').forEach(e => e.remove());
                        return label.textContent.replace(/\\(.*\\)/, '').replace(/\\s+/g, ' ').trim(); })""", criterion_id)
    return str(labels.index(label) + 1)


def change_by_keyboard(keys: Counter, criterion_id: str, other: str, note: str) -> None:
    """From the item's agree button: the number key of ``other`` picks it and moves the focus to the reason;
    the reason typed; Ctrl+Enter saves (and moves the focus on to the next item without a decision)."""
    wait_focus(keys.page, f"agree-{criterion_id}")
    keys.press(choice_key(keys.page, criterion_id, other))
    wait_focus(keys.page, f"note-{criterion_id}")
    keys.type(note)
    keys.press("Control+Enter")
    expect(keys.page.locator(f"#item-{criterion_id} .saved-note")).to_have_text("Đã lưu")
