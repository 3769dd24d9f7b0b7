from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_extensions_closures')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SupervisionNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('plan', fields.ForeignKeyField('models.Plan', source_field='plan_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.CASCADE)),
                ('prefix', fields.CharField(default='', max_length=20)),
                ('year', fields.IntField()),
                ('number', fields.IntField()),
                ('task', fields.ForeignKeyField('models.Task', source_field='task_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('models.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('grade', fields.CharField(max_length=8)),
                ('reasons', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('period_key', fields.CharField(default='', max_length=10)),
                ('issued_on', fields.DateField()),
                ('reply_by', fields.DateField()),
                ('path', fields.CharField(default='', max_length=500)),
                ('measures', fields.TextField(null=True, unique=False)),
                ('promised_on', fields.DateField(null=True)),
                ('replied_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('replied_by', fields.ForeignKeyField('models.Contact', source_field='replied_by_id', null=True, db_constraint=True, to_field='id', related_name='notice_replies', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'supervision_notice', 'app': 'models', 'unique_together': (('plan', 'year', 'number'), ('task', 'unit', 'grade')), 'pk_attr': 'id', 'table_description': 'One 督办单: issued once per (task, unit, grade), numbered per plan and year, never reused.'},
            bases=['Model'],
        ),
    ]
