"""Django's own admin texts that BOMS words differently in Korean.

Django's Korean admin catalogue reads awkwardly in places ("보기위한 1예약 를(을) 선택", "뷰 예약",
"저장 및 다른 이름으로 추가"). The project's catalogue (locale/ko, first in LOCALE_PATHS) gives
these messages their Korean text; they are listed here, untranslated at import, so that
`make messages` keeps them in that catalogue. Each must stay a message of Django's admin
(tests/test_admin_wording.py checks it against Django's catalogue).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_ADMIN_MESSAGES = [
    # Page titles of the lists and pages managers and officials read.
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s to change"),
    gettext_noop("View %s"),
    gettext_noop("Change %s"),
    gettext_noop("Change"),
    gettext_noop("History"),
    gettext_noop("Change history: %s"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("Model name"),
    gettext_noop("You don’t have permission to view or edit anything."),
    gettext_noop("None available"),
    gettext_noop("Unknown content"),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    # Save buttons.
    gettext_noop("Save as new"),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Save and view"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Change selected %(model)s"),
    # Actions on the lists.
    gettext_noop("Action:"),
    gettext_noop("Action"),
    gettext_noop("Run the selected action"),
    gettext_noop(
        "Items must be selected in order to perform actions on them. No items have been changed."
    ),  # fmt: skip
    gettext_noop("No action selected."),
    ngettext_lazy("%(total_count)s selected", "All %(total_count)s selected", 0),
    gettext_noop("0 of %(cnt)s selected"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Click here to select the objects across all pages"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Delete multiple objects"),
    gettext_noop("Objects"),
    gettext_noop("Delete?"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    # Filters, search and pages of a list.
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("All"),
    gettext_noop("Any date"),
    gettext_noop("All dates"),
    gettext_noop("This year"),
    ngettext_lazy("%(counter)s result", "%(counter)s results", 0),
    gettext_noop("%(full_result_count)s total"),
    gettext_noop("Show all"),
    gettext_noop("Toggle sorting"),
    gettext_noop("Sorting priority: %(priority_number)s"),
    gettext_noop("Remove from sorting"),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    # What a change did, in messages and in the history.
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop(
        "The {name} “{obj}” was added successfully. You may add another {name} below."
    ),  # fmt: skip
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may edit it again below."
    ),  # fmt: skip
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may add another {name} below."
    ),  # fmt: skip
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    ngettext_lazy("Please correct the error below.", "Please correct the errors below.", 0),
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Changed {fields}."),
    gettext_noop("and"),
    gettext_noop(
        "This object doesn’t have a change history. It probably wasn’t added via this admin site."
    ),  # fmt: skip
    gettext_noop("action time"),
    gettext_noop("change message"),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    gettext_noop("Popup closing…"),
    # Signing in and the password.
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. Would you like to login to a different account?"
    ),  # fmt: skip
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new password twice so we can verify you typed it in correctly."
    ),  # fmt: skip
]
