from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_contact_phone_invite_name')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Task',
            name='leader',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Task',
            name='section',
            field=fields.TextField(null=True, unique=False),
        ),
    ]
