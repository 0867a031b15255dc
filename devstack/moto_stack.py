"""Run the app with no AWS account and no network: moto stands in for AWS.

`local_stack()` deploys `infra/template.yaml` into moto's CloudFormation, creates what
moto skips (the secret), verifies the SES sender, and returns the environment the
app reads — the same names the Chalice stages use. `drain_queue()` plays the part of
Lambda's SQS event source: it receives real messages and invokes the triage handler
with a real-shaped event, deleting them only when the handler succeeds.

Used by the tests, `make demo` and the CLIs' `--local` mode; never by Lambda.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chalicelib.config import TRIAGE_BATCH_SIZE, env_from_outputs

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
REGION = "eu-west-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
DIGEST_SENDER = "webcare-digest@example.com"
DIGEST_RECIPIENTS = "marketing@example.com"
LESSON_OWNERS = json.dumps(
    {
        "billing": "finance-team@example.com",
        "network": "network-operations@example.com",
        "app": "app-team@example.com",
        "*": "webcare-lead@example.com",
    }
)


def deploy_stack(cloudformation: Any, stage: str = "dev") -> dict[str, str]:
    """Create the infra stack (in moto or AWS) and return its outputs."""
    name = f"social-listening-{stage}"
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=TEMPLATE.read_text(),
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage}],
    )
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"stack {name}: {stack['StackStatus']}")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def ensure_secret(secretsmanager: Any, name: str, values: Mapping[str, str]) -> dict[str, str]:
    """Create the stage's secret when the template's one was skipped (moto does)."""
    try:
        current = json.loads(secretsmanager.get_secret_value(SecretId=name)["SecretString"])
    except secretsmanager.exceptions.ResourceNotFoundException:
        secretsmanager.create_secret(Name=name, SecretString=json.dumps(dict(values)))
        return dict(values)
    merged = {**dict(values), **{k: v for k, v in current.items() if v}}
    secretsmanager.put_secret_value(SecretId=name, SecretString=json.dumps(merged))
    return merged


def local_secret_values() -> dict[str, str]:
    return {
        "generic_webhook_secret": secrets.token_urlsafe(32),
        "meta_app_secret": secrets.token_urlsafe(32),
        "meta_verify_token": secrets.token_urlsafe(16),
        "x_consumer_secret": secrets.token_urlsafe(32),
        "threads_app_secret": secrets.token_urlsafe(32),
        "threads_verify_token": secrets.token_urlsafe(16),
        "trustpilot_webhook_basic": "trustpilot:" + secrets.token_urlsafe(24),
        "gbp_push_audience": "https://localhost/api/webhooks/google-business",
        "gbp_push_account": "gbp-push@local.iam.gserviceaccount.com",
    }


def provision(
    stage: str = "dev", *, secret_values: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Deploy everything into the current (mocked) AWS and return the app's environment."""
    import boto3

    with warnings.catch_warnings():
        # moto says it skips AWS::SecretsManager::Secret (known: ensure_secret below)
        warnings.simplefilter("ignore", UserWarning)
        logging.getLogger("moto").setLevel(logging.ERROR)
        outputs = deploy_stack(boto3.client("cloudformation", region_name=REGION), stage)
    env = env_from_outputs(outputs)
    values = dict(secret_values or local_secret_values())
    signing = {"ack_signing_key": values.pop("ack_signing_key", "") or secrets.token_urlsafe(32)}
    sm = boto3.client("secretsmanager", region_name=REGION)
    ensure_secret(sm, env["SECRETS_ID"], values)
    ensure_secret(sm, f"{env['SECRETS_ID']}/signing", signing)
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=DIGEST_SENDER)
    env.update(
        STAGE=stage,
        DIGEST_SENDER=DIGEST_SENDER,
        DIGEST_RECIPIENTS=DIGEST_RECIPIENTS,
        PUBLIC_BASE_URL="http://localhost:8000",
        BRAND="Voltera",
        LESSON_OWNERS=LESSON_OWNERS,
    )
    return env


@contextmanager
def environment(values: Mapping[str, str], *, unset: tuple[str, ...] = ()) -> Iterator[None]:
    """Set (and unset) environment variables for a block; put back what was there after.

    For scripts and CLIs (tests use pytest's monkeypatch).
    """
    saved = {key: os.environ.get(key) for key in (*values, *unset)}
    for key in unset:
        os.environ.pop(key, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def local_stack(stage: str = "dev") -> Iterator[dict[str, str]]:
    """moto running in-process with the stack deployed; yields the app environment.

    The caller puts the environment in place (tests: monkeypatch; scripts: `environment`).
    """
    from moto import mock_aws

    with environment(FAKE_CREDENTIALS), mock_aws():
        env = provision(stage)
        # what the stages listen for (.chalice/config.json): the demo's and the CLIs' themes
        # leave out our own terms as in the stages (tests set it where they need it)
        env["WATCH_CONFIG_FILE"] = str(ROOT / "chalicelib" / "watch.json")
        yield env


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda's SQS event source would deliver for these received messages."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def drain_queue(
    invoke: Any,
    sqs: Any,
    queue_url: str,
    *,
    function_name: str = "triage",
    max_rounds: int = 1000,
    batch_size: int = TRIAGE_BATCH_SIZE,
) -> dict[str, int]:
    """Feed every message on the queue to the handler, as Lambda's event source does:
    it receives (10 at most a call) until it holds `batch_size` messages or the queue has
    no more for now (its batching window closes), then invokes.

    `invoke(function_name, event)` is `chalice.test.Client().lambda_.invoke`. Messages of
    a failed invocation are made visible again (and come back, up to `max_rounds`).
    """
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    counts = {"batches": 0, "messages": 0, "failed_batches": 0}
    for _ in range(max_rounds):
        messages: list[dict[str, Any]] = []
        while len(messages) < batch_size:
            received = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=min(10, batch_size - len(messages)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                break
            messages += received
        if not messages:
            break
        counts["batches"] += 1
        counts["messages"] += len(messages)
        try:
            invoke(function_name, sqs_event(messages, arn))
        except Exception:
            counts["failed_batches"] += 1
            # What Lambda does on a failed batch: the remaining messages become visible
            # again. (The handler has already deleted the ones it finished.)
            for m in messages:
                try:
                    sqs.change_message_visibility(
                        QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
                    )
                except Exception:  # deleted by the handler: nothing to do
                    continue
            continue
        for start in range(0, len(messages), 10):  # (DeleteMessageBatch takes 10)
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages[start : start + 10])
                ],
            )
    return counts


# ---------------------------------------------------------------- scale (local runs only)


@contextmanager
def at_scale() -> Iterator[None]:
    """moto, made fit for 10,000 events; the semantics the app sees are moto's own.

    Profiled on the chaos replay (200 events: 206 s, of which 57 s were TransactWriteItems
    and 56 s serialising DynamoDB answers):

    * `TransactWriteItems` deep-copied every table it touches, once per item, to roll back
      on failure: quadratic in the table's size. Here moto's own loop runs with a journal
      of the items it touched, put back on failure (the same all-or-nothing, the same
      cancellation reasons, `tests/functional/test_faults_replay.py` holds it to moto's).
    * DynamoDB answers went through moto's model-driven serialiser (a Python walk of every
      attribute of every item); they are JSON already, so they are dumped as JSON.
    * Every index query and scan sorted the whole table by its keys through moto's
      `DynamoType` comparisons (27 s of casts in 600 events); our tables' keys are strings,
      so the same order comes from sorting the plain strings.
    * A Query walked every item of the table (in key order: a sort of the whole table) to
      find one partition's items or an index's; here a partition's query takes that
      partition only, and an index's query the items with its hash key value, from a map
      kept on every put, update and delete (moto sorts what matches, by the index's keys
      and then the table's, so the order is the same).
    * SQS checked each message it hands out against the queue's retention period by asking
      for the queue's attributes, which counts every message in the queue, twice: receiving
      was quadratic in the queue's length (a manager's inbox of 3,000 pages). The period
      is read from the queue itself. Sending did the same: it built every attribute of
      the queue (three of them count its messages) to read one (`ContentBasedDeduplication`);
      the attributes are now worked out one by one as they are read (`_QueueAttributes`).
    * An index query with a range condition (the due alerts up to now) summed the size of
      every item with the index's hash key value, due or not, on every run of the minute
      job; the items the key condition leaves out are dropped first, as DynamoDB never
      reads them.
    * Building an item checked its size once per attribute, each time summing every
      attribute so far (quadratic in the attributes of an alert); the same 400 KB check is
      made once on the whole item. moto looked up the response class's method names with
      `inspect.getmembers` on every request; they are looked up once per class. An
      update expression was parsed twice a request; it is parsed once per distinct text.

    Measured on a 3,000-event replay (py-spy): sending to SQS 9 %, building items 4 %, the
    method names 2 % of the time before these three.

    Nested (the functional tests' `stack` runs in it, and so does the chaos replay some of
    them start): the inner one changes nothing and the outer one puts moto back.
    """
    global _scaled
    if _scaled:
        yield
        return
    _scaled = True
    try:
        with _scaled_moto():
            yield
    finally:
        _scaled = False


_scaled = False  # at_scale() is in force


@contextmanager
def _scaled_moto() -> Iterator[None]:
    import base64
    from datetime import datetime

    from moto.core import responses as moto_responses
    from moto.core.utils import unix_time
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        ItemSizeTooLarge,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.models.utilities import bytesize
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]
    from moto.dynamodb.responses import DynamoResult
    from moto.sqs.models import Queue, SQSBackend

    original_make = vars(UpdateExpressionParser)["make"]  # (the classmethod itself)
    parse_once = UpdateExpressionParser.make
    parsed: dict[str, Any] = {}

    def make(expression: str) -> Any:
        # moto parses each update expression twice a request; the tree is only read (its
        # validator works on a deep copy), so one parse per distinct expression serves
        if expression not in parsed:
            parsed[expression] = parse_once(expression)
        return parsed[expression]

    original_retention = SQSBackend.is_message_valid_based_on_retention_period
    original_attributes = Queue.attributes
    original_method_names = moto_responses.method_names_from_class  # type: ignore[attr-defined]
    original_item_init = Item.__init__
    method_names: dict[Any, list[str]] = {}

    def names_of(clazz: Any) -> list[str]:
        if clazz not in method_names:
            method_names[clazz] = original_method_names(clazz)
        return method_names[clazz]

    def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
        self.hash_key = hash_key
        self.range_key = range_key
        values = {key: DynamoType(value) for key, value in attrs.items()}
        # moto's limit, the same sum (keys and values), checked once for the whole item
        if sum(bytesize(key) + value.size() for key, value in values.items()) > 405000:
            raise ItemSizeTooLarge
        self.attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.update(self.attrs, values)

    def retained(self: Any, queue_name: str, message: Any) -> bool:
        period = int(self.get_queue(queue_name).message_retention_period)
        return bool(period + message.sent_timestamp / 1000 > unix_time())

    original_query = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item
    original_update = DynamoDBBackend.update_item
    # (id(table), attribute) -> value -> {item key: item}, and item key -> value
    by_value: dict[tuple[int, str], dict[Any, dict[Any, Any]]] = {}
    where: dict[tuple[int, str], dict[Any, Any]] = {}

    def item_key(hash_value: Any, range_value: Any) -> Any:
        return (hash_value.value, range_value.value if range_value is not None else None)

    def reindex(table: Any, hash_value: Any, range_value: Any) -> None:
        maps = [m for m in by_value if m[0] == id(table)]
        if not maps:
            return
        key = item_key(hash_value, range_value)
        try:
            item = table.get_item(hash_value, range_value)
        except Exception:  # (moto raises for a key of the wrong shape: nothing to index)
            item = None
        for which in maps:
            old = where[which].pop(key, None)
            if old is not None:
                by_value[which][old].pop(key, None)
            value = item.attrs.get(which[1]) if item is not None else None
            if value is not None:
                token = (value.type, str(value.value))
                by_value[which].setdefault(token, {})[key] = item
                where[which][key] = token

    def with_value(table: Any, attr: str, value: Any) -> list[Any]:
        which = (id(table), attr)
        if which not in by_value:
            by_value[which], where[which] = {}, {}
            for hash_set in table.items.values():
                for item in hash_set.values() if table.range_key_attr else [hash_set]:
                    reindex(table, item.hash_key, item.range_key)
        return list(by_value[which].get((value.type, str(value.value)), {}).values())

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = original_put(self, *args, **kwargs)
        reindex(self, item.hash_key, item.range_key)
        return item

    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        try:
            return original_delete(self, hash_key, range_key)
        finally:
            reindex(self, hash_key, range_key)

    def update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kw: Any) -> Any:
        from moto.dynamodb.models.dynamo_type import DynamoType

        try:
            return original_update(self, table_name, key, *args, **kw)
        finally:
            table = self.get_table(table_name)
            range_attr = table.range_key_attr
            reindex(
                table,
                DynamoType(key[table.hash_key_attr]),
                DynamoType(key[range_attr]) if range_attr and range_attr in key else None,
            )

    def query(
        self: Any,
        hash_key: Any,
        range_comparison: Any,
        range_objs: Any,
        limit: Any,
        exclusive_start_key: Any,
        scan_index_forward: Any,
        projection_expressions: Any,
        index_name: str | None = None,
        *rest: Any,
        **kwargs: Any,
    ) -> Any:
        if index_name is None and hash_key is not None:
            partition = self.items.get(hash_key)
            if partition is None:
                candidates = []
            elif self.range_key_attr:
                candidates = list(partition.values())
            else:
                candidates = [partition]
        else:
            index = next((i for i in self.all_indexes() if i.name == index_name), None)
            schema = index.schema if index is not None else []
            hashed = [k["AttributeName"] for k in schema if k["KeyType"] == "HASH"]
            wanted = dict(kwargs.get("hash_key_conditions") or ())
            if len(hashed) == 1 and hashed[0] in wanted:
                candidates = with_value(self, hashed[0], wanted[hashed[0]])
                ranged = [k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"]
                if range_comparison and len(ranged) == 1:
                    # the key condition's range part, as moto applies it below: what
                    # fails it is never read (moto summed its size toward the 1 MB page)
                    candidates = [
                        item
                        for item in candidates
                        if (value := item.attrs.get(ranged[0])) is not None
                        and value.compare(range_comparison, range_objs)
                    ]
            else:
                candidates = [
                    item
                    for hash_set in self.items.values()
                    for item in (hash_set.values() if self.range_key_attr else [hash_set])
                ]
        self.all_items = lambda: candidates  # this call's candidates (moto filters them)
        try:
            return original_query(
                self,
                hash_key,
                range_comparison,
                range_objs,
                limit,
                exclusive_start_key,
                scan_index_forward,
                projection_expressions,
                index_name,
                *rest,
                **kwargs,
            )
        finally:
            del self.all_items

    original_transact = DynamoDBBackend.transact_write_items
    original_result = DynamoResult.execute_result
    original_all_items = Table.all_items

    def all_items(self: Any) -> list[Any]:
        if any(
            a["AttributeType"] != "S"
            for a in self.attr
            if a["AttributeName"] in (self.hash_key_attr, self.range_key_attr)
        ):
            return list(original_all_items(self))
        items = [
            item
            for hash_set in self.items.values()
            for item in (hash_set.values() if self.range_key_attr else [hash_set])
        ]
        return sorted(
            items,
            key=lambda x: (x.hash_key.value, x.range_key.value if x.range_key else ""),
        )

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        # moto's own loop (models/__init__.py), with a journal of the items it touches
        # instead of a deep copy of every table
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        journal: list[tuple[Any, dict[str, Any], Any]] = []
        targets: set[tuple[str, str]] = set()
        errors: list[tuple[Any, Any, Any]] = []

        def roll_back() -> None:
            for table, key, previous in reversed(journal):
                if previous is None:
                    table.delete_item(*_key_values(table, key))
                else:
                    table.put_item(previous)

        for item in transact_items:
            if len(item) > 1:
                raise TransactWriteSingleOpException
            op_type, op = next(iter(item.items()))
            name = op["TableName"]
            table = self.get_table(name)
            if op_type == "Put":
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            unique = (name, str(dict(sorted(key.items()))))
            if unique in targets:
                roll_back()
                raise MultipleTransactionsException()
            targets.add(unique)
            current = self.get_item(name, key)
            journal.append((table, key, current.to_json()["Attributes"] if current else None))
            condition = op.get("ConditionExpression")
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            original: Any = None
            try:
                if condition is not None and not get_filter_expression(
                    condition, names, values
                ).expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original)
                if op_type == "Put":
                    self.put_item(name, op["Item"])
                elif op_type == "Delete":
                    self.delete_item(name, key)
                elif op_type == "Update":
                    self.update_item(
                        name,
                        key,
                        update_expression=op["UpdateExpression"],
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                roll_back()
                raise
            except ConditionalCheckFailed as error:
                errors.append(("ConditionalCheckFailed", str(error.message), original))
            except Exception as error:  # as moto: the item's reason, the transaction cancelled
                errors.append((type(error).__name__, str(error), original))
        if any(code is not None for code, _, _ in errors):
            roll_back()
            raise TransactionCanceledException(errors)

    def execute_result(self: Any, context: Any) -> Any:
        def plain(value: Any) -> Any:
            if isinstance(value, bytes):
                return base64.b64encode(value).decode()
            if isinstance(value, datetime):
                return value.timestamp()
            raise TypeError(type(value).__name__)

        body = json.dumps(self.result, default=plain)
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    Queue.attributes = property(_QueueAttributes)  # type: ignore[method-assign,assignment]
    moto_responses.method_names_from_class = names_of  # type: ignore[attr-defined]
    Item.__init__ = item_init  # type: ignore[method-assign]
    UpdateExpressionParser.make = make
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    DynamoResult.execute_result = execute_result  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = retained  # type: ignore[method-assign]
    try:
        yield
    finally:
        SQSBackend.is_message_valid_based_on_retention_period = original_retention  # type: ignore[method-assign]
        Queue.attributes = original_attributes  # type: ignore[method-assign]
        moto_responses.method_names_from_class = original_method_names  # type: ignore[attr-defined]
        Item.__init__ = original_item_init  # type: ignore[method-assign]
        UpdateExpressionParser.make = original_make
        Table.all_items = original_all_items  # type: ignore[method-assign]
        Table.query = original_query  # type: ignore[method-assign]
        Table.put_item = original_put  # type: ignore[method-assign]
        Table.delete_item = original_delete  # type: ignore[method-assign]
        DynamoDBBackend.update_item = original_update  # type: ignore[method-assign]
        DynamoDBBackend.transact_write_items = original_transact  # type: ignore[method-assign]
        DynamoResult.execute_result = original_result  # type: ignore[method-assign]


class _QueueAttributes(Mapping[str, Any]):
    """A moto queue's attributes as moto's `Queue.attributes` gives them (the same names,
    in the same order, the same values), each worked out only when it is read."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue
        names = list(queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            names += queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:
            names += queue.KMS_ATTRIBUTES
        self._names = dict.fromkeys(names)

    def __getitem__(self, name: str) -> Any:
        from moto.core.utils import camelcase_to_underscores

        if name not in self._names:
            raise KeyError(name)
        queue = self._queue
        if name == "RedrivePolicy" and queue.redrive_policy:
            return json.dumps(queue.redrive_policy)
        value = getattr(queue, camelcase_to_underscores(name))
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _key_values(table: Any, key: dict[str, Any]) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_key = DynamoType(key[table.hash_key_attr])
    range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return hash_key, range_key
