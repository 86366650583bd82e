"""Bộ tiêu chí — criteria sets: the tree, its import/export and the admin's editor."""
