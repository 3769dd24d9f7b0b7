"""``/status UNIT`` with several plans, as dialogue tables.

The two plans of ``test_portfolio`` share their units; 县政务服务中心 leads task 1 of
优化营商环境 only (教育强县's task 1 is 县教育局's). A plan's secretariat sees the unit's tasks
in its own plan only; the admin is asked which plan, as for ``/status`` without a unit, and
sees the tasks of the plan it names or presses.
"""

from __future__ import annotations

from tests.dialogue import JOBS, Dialogue, reply, run_table
from tests.test_portfolio import ADMIN, GROUP_B, SEC_A, SEC_B, TASK_1A, WHICH, world

__all__ = ["world"]  # the two plans' fixture, shared with test_portfolio

PREPARING = reply("Preparing the status…")
UNIT = "县政务服务中心"


def unit_tasks(*lines: str) -> str:
    return reply("\n".join(lines), f"Tasks of {UNIT} ({len(lines)})")


TASK_2 = "2. 提升企业开办和注销便利度。 — not reported ⏰2026年10月底"
TASK_3 = "3. 优化工程建设项目审批。 — not reported ⏰2026年底"
TASK_12 = "12. 构建亲清政商关系。 — not reported ⏰2026年底"
TASK_14 = "14. 提升政务数据共享水平。 — not reported ⏰2026年11月底"
TASK_16 = "16. 提升园区服务能力。 — not reported ⏰2026年底"
OTHERS = (TASK_2, TASK_3, TASK_12, TASK_14, TASK_16)
IN_A = unit_tasks(f"1. {TASK_1A} — not reported ⏰2026年12月", *OTHERS)
IN_B = unit_tasks(*OTHERS)


async def test_a_units_tasks_are_the_plans_own(world: Dialogue) -> None:
    await run_table(
        world,
        [
            (SEC_A, f"/status {UNIT}", PREPARING),
            (SEC_A, JOBS, IN_A),
            (SEC_B, f"/status {UNIT}", PREPARING),
            (SEC_B, JOBS, IN_B),  # not 优化营商环境's task 1, nor any task twice
            (GROUP_B, f"状态 {UNIT}", PREPARING),
            (GROUP_B, JOBS, IN_B),
            # the admin is asked, as for /status alone, and sees the plan it chose
            (ADMIN, f"/status {UNIT}", reply(WHICH.format(command="status"))),
            (ADMIN, "[优化营商环境]", PREPARING),
            (ADMIN, JOBS, IN_A),
            (ADMIN, f"/status 教育强县 {UNIT}", PREPARING),
            (ADMIN, JOBS, IN_B),
            (ADMIN, f"状态 教育强县 {UNIT}", PREPARING),
            (ADMIN, JOBS, IN_B),
        ],
    )
