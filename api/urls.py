"""/api/v1/: the API's operations and its schema (ninja), and the docs page, all under the
URL namespace `api`, which a database router may send to a replica."""

from django.urls import path

from api import docs
from api.views import api

operations, _app, _namespace = api.urls

urlpatterns = [
    path("docs", docs.docs_page, name="docs"),
    *operations,
]
app_name = "api"
