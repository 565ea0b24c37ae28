from django.contrib import admin
from django.urls import include, path

from workspace.views import landing

urlpatterns = [
    path("", include("health.urls")),
    path("admin/signs/", include("backoffice.urls")),
    path("admin/board/", include("workspace.urls")),
    # The admin's first page is the manager's landing page (admin:index resolves here).
    path("admin/", admin.site.admin_view(landing), name="workspace_landing"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("portal.urls")),
]

handler400 = "web.views.bad_request"
