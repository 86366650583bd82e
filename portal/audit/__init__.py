"""Nhật ký kiểm tra — the append-only, hash-chained audit trail."""
