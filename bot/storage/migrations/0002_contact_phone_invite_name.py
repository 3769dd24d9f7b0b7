from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Contact',
            name='phone',
            field=fields.CharField(default='', max_length=32),
        ),
        ops.AddField(
            model_name='Invite',
            name='name',
            field=fields.CharField(default='', max_length=200),
        ),
        ops.AddField(
            model_name='Invite',
            name='phone',
            field=fields.CharField(default='', max_length=32),
        ),
    ]
