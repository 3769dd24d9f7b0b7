from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_delivery_leases')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProgressReport',
            name='carried',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='ProgressReport',
            name='source_ref',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
