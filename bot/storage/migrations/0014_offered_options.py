from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from typing import Any
from tortoise import fields

# The options a step offered used to live in conversation_state.data under these keys: they
# move to their own table (the sender and a handler could overwrite each other there).
MOVE_POSTGRES = [
    "INSERT INTO offered_options (identity, options, numbered, updated_at) "
    "SELECT identity, data->'options', COALESCE((data->>'numbered')::boolean, TRUE), updated_at "
    "FROM conversation_state WHERE jsonb_typeof(data->'options') = 'array' "
    "AND jsonb_array_length(data->'options') > 0",
    "UPDATE conversation_state SET data = data - 'options' - 'numbered' "
    "WHERE data ? 'options' OR data ? 'numbered'",
]
MOVE_SQLITE = [
    "INSERT INTO offered_options (identity, options, numbered, updated_at) "
    "SELECT identity, json_extract(data, '$.options'), "
    "COALESCE(json_extract(data, '$.numbered'), 1), updated_at "
    "FROM conversation_state WHERE json_type(data, '$.options') = 'array' "
    "AND json_array_length(data, '$.options') > 0",
    "UPDATE conversation_state SET data = json_remove(data, '$.options', '$.numbered') "
    "WHERE json_type(data, '$.options') IS NOT NULL OR json_type(data, '$.numbered') IS NOT NULL",
]


async def move_options(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    postgres = str(client.capabilities.dialect) == "postgres"
    for sql in MOVE_POSTGRES if postgres else MOVE_SQLITE:
        await client.execute_query(sql)


class Migration(migrations.Migration):
    dependencies = [('models', '0013_channel_flags')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OfferedOptions',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('identity', fields.CharField(unique=True, max_length=128)),
                ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('numbered', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'offered_options', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What the last step sent to a person offered, and whether a bare number picks one.'},
            bases=['Model'],
        ),
        ops.RunPython(move_options, ops.RunPython.noop),
    ]
