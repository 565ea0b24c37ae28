from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.nation, name="nation"),
    path("sites/", views.nation_sites, name="nation_sites"),
    path("r/<slug:slug>/", views.region, name="region"),
    path("r/<slug:slug>/sites/", views.region_sites, name="region_sites"),
    path("d/<str:code>/", views.district, name="district"),
    path("s/<str:code>/", views.site, name="site"),
    path("room/<int:pk>/", views.room, name="room"),
]
