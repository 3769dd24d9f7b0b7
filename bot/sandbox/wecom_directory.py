"""The WeCom emulator's address book (通讯录): departments and their members, as the API shows them.

``GET /cgi-bin/department/list[?id=ID]`` answers the department and all below it (the whole
tree without ``id``), ``GET /cgi-bin/user/simplelist?department_id=ID[&fetch_child=1]`` its
members. Like WeCom: an access token is required (40014 unknown, 42001 expired), an unknown or
missing department is 60003, a department outside the app's visible range is 60011.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ROOT_DEPARTMENT = 1


@dataclass
class Department:
    """A department (部门) of the corp."""

    id: int
    name: str
    parentid: int
    order: int = 0
    leaders: list[str] = field(default_factory=list)  # department_leader: userids
    visible: bool = True  # within the app's visible range (可见范围)

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "name_en": "",
            "department_leader": list(self.leaders),
            "parentid": self.parentid,
            "order": self.order,
        }


class Directory:
    """Departments and who belongs to which; the emulator's ``members`` hold the names."""

    def __init__(
        self,
        members: dict[str, str],
        token_error: Callable[[web.Request], web.Response | None],
        corp_name: str = "测试县人民政府",
    ) -> None:
        self.members = members  # userid → name, shared with the emulator
        self.token_error = token_error
        self.departments: dict[int, Department] = {
            ROOT_DEPARTMENT: Department(ROOT_DEPARTMENT, corp_name, 0)
        }
        self.belongs: dict[str, list[int]] = {}  # userid → department ids
        self.calls: dict[str, int] = {"department/list": 0, "user/simplelist": 0}

    def routes(self, app: web.Application) -> None:
        """Serve the address-book endpoints."""
        app.router.add_get("/cgi-bin/department/list", self._department_list)
        app.router.add_get("/cgi-bin/user/simplelist", self._user_simplelist)

    def add_department(
        self,
        department_id: int,
        name: str,
        *,
        parent: int = ROOT_DEPARTMENT,
        leaders: tuple[str, ...] = (),
        visible: bool = True,
    ) -> None:
        """A department under ``parent``; ``leaders`` are its heads (部门负责人)."""
        if parent not in self.departments:
            raise ValueError(f"no parent department {parent}")
        self.departments[department_id] = Department(
            department_id, name, parent, len(self.departments), list(leaders), visible
        )

    def place(self, userid: str, departments: tuple[int, ...]) -> None:
        """Put a member into departments (they must exist)."""
        missing = [d for d in departments if d not in self.departments]
        if missing:
            raise ValueError(f"no departments {missing}")
        self.belongs[userid] = list(departments)

    def _below(self, top: int) -> list[int]:
        """``top`` and every department under it, parents first."""
        found, frontier = [top], [top]
        while frontier:
            frontier = [d.id for d in self.departments.values() if d.parentid in frontier]
            found += frontier
        return found

    def _department(self, request: web.Request, key: str) -> int | web.Response:
        raw = request.query.get(key, "")
        if not raw.isdigit() or int(raw) not in self.departments:
            return _error(60003, f"department not found, {key}={raw}")
        if not self.departments[int(raw)].visible:
            return _error(60011, "no privilege to access/modify contact/party/agent")
        return int(raw)

    async def _department_list(self, request: web.Request) -> web.Response:
        if (error := self.token_error(request)) is not None:
            return error
        self.calls["department/list"] += 1
        top = ROOT_DEPARTMENT
        if "id" in request.query:
            found = self._department(request, "id")
            if isinstance(found, web.Response):
                return found
            top = found
        listed = [self.departments[d] for d in self._below(top)]
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "department": [d.json() for d in listed if d.visible]}
        )

    async def _user_simplelist(self, request: web.Request) -> web.Response:
        if (error := self.token_error(request)) is not None:
            return error
        self.calls["user/simplelist"] += 1
        found = self._department(request, "department_id")
        if isinstance(found, web.Response):
            return found
        scope = self._below(found) if request.query.get("fetch_child") == "1" else [found]
        users = [
            {"userid": userid, "name": self.members.get(userid, userid), "department": deps}
            for userid, deps in self.belongs.items()
            if any(d in scope for d in deps) and userid in self.members
        ]
        return web.json_response({"errcode": 0, "errmsg": "ok", "userlist": users})


def _error(code: int, message: str) -> web.Response:
    return web.json_response({"errcode": code, "errmsg": message})
