"""The bot's standard answers in English, shared by the dialogue tables."""

from __future__ import annotations

from tests.dialogue import reply

REPORTER_HELP = reply(
    "Commands:\n"
    "/report (报送) — report progress on your unit’s open requests\n"
    "/mytasks (我的任务) — your unit’s tasks and their last status\n"
    "/history N (历史 N) — the reports on task N; with several plans, /history PLAN N\n"
    "/cancel (取消) — abandon the report you are writing\n"
    "/extend N YYYY-MM-DD reason (延期 N …) — ask to extend task N’s deadline\n"
    "/close N (销号 N) — ask the secretariat to close task N your unit completed\n"
    "/board (看板) — a one-time link to the status board in the browser\n"
    "/lang zh_CN|zh_TW|en (语言) — the language I write in\n"
    "/unbind (解绑) — stop receiving messages as reporter\n"
    "Or simply write your progress, several tasks in one message if you like "
    "(“第3项 已完成……”): I read the task and status and ask you to confirm."
)
LEADER_HELP = reply(
    "Commands:\n"
    "/mytasks (我的任务) — your unit’s tasks and their last status\n"
    "/history N (历史 N) — the reports on task N; with several plans, /history PLAN N\n"
    "/cancel (取消) — abandon the report you are writing\n"
    "/board (看板) — a one-time link to the status board in the browser\n"
    "/lang zh_CN|zh_TW|en (语言) — the language I write in\n"
    "/unbind (解绑) — stop receiving messages as leader"
)
SECRETARIAT_HELP = reply(
    "Commands:\n"
    "/history N (历史 N) — the reports on task N; with several plans, /history PLAN N\n"
    "/contacts (联系人) — who is bound, with their numbers\n"
    "/revoke N (撤销 N) — end the binding of contact N\n"
    "/digest [YYYY-MM] (汇总) — the monthly digest with the filled table\n"
    "/status [N|unit] (状态) — lights, one task, or one unit\n"
    "/overdue (逾期) — tasks past their deadline, units past the due day\n"
    "/nudge (一键催办) — remind every unit that has not reported\n"
    "/export [xlsx|docx|png] [YYYY-MM] (导出) — the table, the written material, the chart\n"
    "/supervision (督办单) — supervision notices issued and the units' replies\n"
    "/board (看板) — a one-time link to the status board in the browser\n"
    "/lang zh_CN|zh_TW|en (语言) — the language I write in\n"
    "/unbind (解绑) — stop receiving messages as secretariat"
)
WRITE = reply("Write this month’s progress as one message (photos and files can follow).")
HOW_FAR = reply("How far along is it? Choose, or send a number such as 65.")
GOAL_1 = (  # task 1's goal (工作目标), shown when a unit reports on it
    "梳理公布第三批“一件事一次办”事项清单，新增高频事项不少于15项。"
    "推行“免申即享”“直达快享”，惠企政策兑现平均时限压缩至10个工作日以内。"
)
