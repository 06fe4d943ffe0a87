app_name = "catalog_office"
urlpatterns = []
