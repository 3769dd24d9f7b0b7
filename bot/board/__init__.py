"""The status board (看板): a read-only web page of a plan's lights, gaps and files.

Served by the bot's own HTTP server under ``/board`` (``web.py``), signed in through a
one-time link sent in chat (``/board``, ``chat.py``) or WeCom's web authorisation
(``oauth.py``); sessions and links in ``access.py``, the pages' data in ``queries.py``.
"""
