"""The NLU benchmarks' entity score: (entity, value) pairs found against those annotated."""

from benchmarks.nlu_runs import entity_score


def test_entity_score_counts_a_wrong_value_as_both_a_miss_and_a_false_find() -> None:
    expected = [{("postal_code", "0150")}, {("customer_number", "12345678")}, set()]
    found = [{("postal_code", "0150")}, {("customer_number", "1234567")}, set()]
    score = entity_score(expected, found)
    assert (score.precision, score.recall, score.annotated) == (0.5, 0.5, 2)
    assert score.f1 == 0.5


def test_entity_score_is_zero_when_nothing_is_found() -> None:
    score = entity_score([{("postal_code", "0150")}], [set()])
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_entity_score_of_messages_without_entities_finding_none_is_zero_not_an_error() -> None:
    assert entity_score([set(), set()], [set(), set()]).annotated == 0
