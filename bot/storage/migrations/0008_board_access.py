from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete

class Migration(migrations.Migration):
    dependencies = [('models', '0007_report_extra_fields')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BoardLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='board_links', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'board_link', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A one-time sign-in link sent in chat: single use, short-lived.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoardSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='board_sessions', on_delete=OnDelete.CASCADE)),
                ('via', fields.CharField(max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'board_session', 'app': 'models', 'pk_attr': 'id', 'table_description': "A browser signed in to the board (its cookie's hash), until ``expires_at``."},
            bases=['Model'],
        ),
    ]
