"""The accessibility statement (접근성 정책), written whole in each language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    language = "en" if get_language() == "en" else "ko"
    return render(request, f"portal/accessibility/statement_{language}.html")
