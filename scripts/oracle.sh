#!/usr/bin/env bash
# Runs leadspool's oracles: each compares one of our checks with a reference implementation on a large
# deterministic sample and fails below its agreement threshold. Add new oracles at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import phonenumbers" 2>/dev/null || python3 -m pip install -q -r scripts/data/requirements.txt
python3 scripts/oracle_phone.py "$@"
python3 -c "import email_validator" 2>/dev/null || python3 -m pip install -q "email-validator==2.4.0"
python3 scripts/oracle_email.py
