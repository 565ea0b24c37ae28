import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from web.forms import NoControlCharactersMixin
from web.validators import validate_multi_line_text, validate_single_line_text


class NoteForm(NoControlCharactersMixin, forms.Form):
    title = forms.CharField()
    email = forms.EmailField(required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    attendees = forms.IntegerField(required=False)


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f"])
def test_a_control_character_is_refused_in_single_and_multi_line_text(character):
    form = NoteForm({"title": f"a{character}b", "note": f"a{character}b"})
    assert not form.is_valid()
    assert set(form.errors) == {"title", "note"}


@pytest.mark.parametrize("character", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_are_kept_in_a_text_area_but_not_in_a_single_line(character):
    form = NoteForm({"title": f"a{character}b", "note": f"first{character}second"})
    assert not form.is_valid()
    assert set(form.errors) == {"title"}
    assert form.cleaned_data["note"] == f"first{character}second"


def test_every_kind_of_char_field_gets_the_rule():
    form = NoteForm({"title": "회의\x1b", "email": "a\x01@example.com"})
    assert not form.is_valid()
    codes = {name: [e.code for e in errors] for name, errors in form.errors.as_data().items()}
    assert "control_characters" in codes["title"]
    assert "control_characters" in codes["email"]


def test_ordinary_text_in_any_script_passes():
    form = NoteForm({"title": "투자 미팅 — Q3 <plan> 'x' 😀", "note": "줄 하나\r\n줄 둘\t끝"})
    assert form.is_valid(), form.errors


def test_the_mixin_does_not_touch_the_form_class_fields():
    before = list(NoteForm.base_fields["title"].validators)
    NoteForm()
    NoteForm()
    assert NoteForm.base_fields["title"].validators == before


def test_the_message_is_translated():
    with translation.override("ko"), pytest.raises(ValidationError) as error:
        validate_single_line_text("a\x00")
    assert error.value.messages == ["이 텍스트에서 보이지 않는 제어 문자를 지워 주세요."]


def test_the_validators_can_serve_model_fields():
    for validator in (validate_single_line_text, validate_multi_line_text):
        path, args, kwargs = validator.deconstruct()
        assert path == "django.core.validators.RegexValidator"
