from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from typing import Any

from bot.domain.plan_choice import default_short_name

# Plans imported before short names get the short form of their title, oldest first.


async def name_plans(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    _, rows = await client.execute_query("SELECT id, title FROM plan ORDER BY id")
    taken: list[str] = []
    for row in rows:
        name = default_short_name(row["title"], taken)
        taken.append(name)
        await client.execute_query(
            "UPDATE plan SET short_name = " + ("$1" if str(client.capabilities.dialect) == "postgres" else "?")
            + " WHERE id = " + str(int(row["id"])),
            [name],
        )

class Migration(migrations.Migration):
    dependencies = [('models', '0014_offered_options')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ChatBinding',
            name='plan',
            field=fields.ForeignKeyField('models.Plan', source_field='plan_id', null=True, db_constraint=True, to_field='id', related_name='secretariat_chats', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Contact',
            name='plan',
            field=fields.ForeignKeyField('models.Plan', source_field='plan_id', null=True, db_constraint=True, to_field='id', related_name='secretariat_contacts', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Invite',
            name='plan',
            field=fields.ForeignKeyField('models.Plan', source_field='plan_id', null=True, db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Plan',
            name='short_name',
            field=fields.CharField(null=True, unique=True, max_length=40),
        ),
        ops.RunPython(name_plans, ops.RunPython.noop),
    ]
