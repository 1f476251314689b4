"""The statuses of a worker's file and their names as people read them: one list for every service and page."""

WORKER_STATUSES = {"active": "在档", "suspended": "暂停", "exited": "已退出"}
