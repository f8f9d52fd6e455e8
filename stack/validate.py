"""`make validate`, Rasa's half: Rasa's own data checks, less the one that cannot apply here.

Rasa's `rasa data validate` wants every `utter_` action to have a response in the domain; in
Svar the answers live in content/answers/ and are checked by `python -m core.content.check`
and tests/test_domain.py. Every other check runs, and its warnings count as failures, except
for intents that have no examples because only buttons or the front door send them.
"""

from __future__ import annotations

import os
import sys
import warnings

# Answers are served by the NLG endpoint, so no `utter_` action has a response in the domain.
warnings.filterwarnings("ignore", message=r"Action 'utter_\w+' is listed as a response action")


def main() -> int:
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    importer = TrainingDataImporter.load_from_config(
        config_path="config.yml", domain_path="domain.yml", training_data_paths=["data"]
    )
    validator = Validator.from_importer(importer)
    checks = {
        "domain": validator.verify_domain_validity(),
        # Warns, without failing, about intents only buttons or the front door send
        # (invoice_part, frustrated, handoff_closed): they need no examples.
        "intents": validator.verify_intents(),
        "examples repeated across intents": validator.verify_example_repetition_in_intents(
            ignore_warnings=False
        ),
        "intents in stories and rules": validator.verify_intents_in_stories(ignore_warnings=False),
        "forms in stories and rules": validator.verify_forms_in_stories_rules(),
        "actions in stories and rules": validator.verify_actions_in_stories_rules(),
        "form slots": validator.verify_form_slots(),
        "slot mappings": validator.verify_slot_mappings(),
        "story structure": validator.verify_story_structure(ignore_warnings=False),
    }
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
