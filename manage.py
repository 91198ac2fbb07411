#!/usr/bin/env python
from harapan.__main__ import main

if __name__ == "__main__":
    main()
