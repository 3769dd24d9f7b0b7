from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.fields.base import OnDelete

class Migration(migrations.Migration):
    dependencies = [('models', '0010_deadline_wording')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeadlineExtension',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='extensions', on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='extensions', on_delete=OnDelete.RESTRICT)),
                ('old_deadline', fields.DateField(null=True)),
                ('new_deadline', fields.DateField()),
                ('reason', fields.TextField(unique=False)),
                ('state', fields.CharField(max_length=16)),
                ('requested_by', fields.ForeignKeyField('models.Contact', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='extensions_asked', on_delete=OnDelete.SET_NULL)),
                ('endorsed_by', fields.ForeignKeyField('models.Contact', source_field='endorsed_by_id', null=True, db_constraint=True, to_field='id', related_name='extensions_endorsed', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('models.Contact', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='extensions_decided', on_delete=OnDelete.SET_NULL)),
                ('decider', fields.CharField(default='', max_length=100)),
                ('comment', fields.TextField(null=True, unique=False)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('endorsed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'deadline_extension', 'app': 'models', 'pk_attr': 'id', 'table_description': "A request to move a task's deadline (延期申请), and its decision."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TaskClosure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.CASCADE)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.RESTRICT)),
                ('report', fields.ForeignKeyField('models.ProgressReport', source_field='report_id', null=True, db_constraint=True, to_field='id', related_name='closures', on_delete=OnDelete.SET_NULL)),
                ('evidence', fields.TextField(default='', unique=False)),
                ('state', fields.CharField(max_length=16)),
                ('requested_by', fields.ForeignKeyField('models.Contact', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='closures_asked', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('models.Contact', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='closures_decided', on_delete=OnDelete.SET_NULL)),
                ('decider', fields.CharField(default='', max_length=100)),
                ('comment', fields.TextField(null=True, unique=False)),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'task_closure', 'app': 'models', 'pk_attr': 'id', 'table_description': "A request to close a task (销号) with its evidence, and the secretariat's answer."},
            bases=['Model'],
        ),
    ]
