"""Role checks for templates, e.g. whether to show the ministry dashboard link."""

from django import template

from accounts import roles

register = template.Library()


@register.filter
def is_ministry_official(user):
    return roles.is_ministry_official(user)
