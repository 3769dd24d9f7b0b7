from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_delivery_parts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Task',
            name='deadline_text',
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
