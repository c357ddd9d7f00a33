from django.db import migrations

from minsheng.appeals.defaults import seed


def forwards(apps, schema_editor):
    seed(apps.get_model("appeals", "AppealState"), apps.get_model("appeals", "AppealCategory"))


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
