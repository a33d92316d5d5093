# django-simple-captcha deletes expired challenges on every answer it checks
# (DELETE … WHERE expiration <= now). Without an index that is a full scan of the table on
# every submission, growing with traffic.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("captcha", "0002_alter_captchastore_id"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS captcha_captchastore_expiration "
            "ON captcha_captchastore (expiration)",
            "DROP INDEX IF EXISTS captcha_captchastore_expiration",
        )
    ]
