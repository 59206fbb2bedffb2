from wheelcast.cli import main

raise SystemExit(main())
