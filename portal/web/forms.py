"""The base form: every text field is NFC-normalised and cleaned of control and bidi characters."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from portal.text import clean_text


def _clean_line(value):
    return clean_text(value) if isinstance(value, str) else value


def _clean_block(value):
    return clean_text(value, multiline=True) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, TextAreaField):
                options["filters"] = (_clean_block, *options.get("filters", ()))
            elif issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                options["filters"] = (_clean_line, *options.get("filters", ()))
            return unbound_field.bind(form=form, **options)
