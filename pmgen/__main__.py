from __future__ import annotations

from pmgen.cli import main

raise SystemExit(main())
