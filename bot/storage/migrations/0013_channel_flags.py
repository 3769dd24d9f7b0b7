from tortoise import migrations
from tortoise.migrations import operations as ops  # noqa: F401 - filled when this change lands

class Migration(migrations.Migration):
    dependencies = [('models', '0012_supervision_notices')]

    initial = False

    operations: list[object] = []
