from iblint.cli import main

raise SystemExit(main())
