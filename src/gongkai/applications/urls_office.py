app_name = "applications_office"
urlpatterns = []
