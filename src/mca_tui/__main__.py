from mca_tui.cli import main

raise SystemExit(main())
