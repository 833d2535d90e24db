from django.apps import AppConfig


class PortingConfig(AppConfig):
    name = "porting"
    verbose_name = "Number porting"
    default_auto_field = "django.db.models.BigAutoField"

