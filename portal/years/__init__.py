"""Năm đánh giá — the assessment year: phases, deadlines, extensions."""
