import sys

from ungtui.cli import main

sys.exit(main())
