"""Web plumbing shared by every blueprint: htmx rendering, security headers, errors, filters, forms."""
