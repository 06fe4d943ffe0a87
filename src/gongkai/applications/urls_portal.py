app_name = "applications_portal"
urlpatterns = []
