app_name = "mine"

urlpatterns = []
