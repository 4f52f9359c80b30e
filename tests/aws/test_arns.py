import pytest

from edastack.aws.arns import account_of


@pytest.mark.parametrize(
    ("arn", "account"),
    [
        ("arn:aws:lambda:eu-west-1:111111111111:function:f", "111111111111"),
        ("arn:aws:sns:eu-west-1:222222222222:alerts", "222222222222"),
        ("arn:aws:s3:::bucket", None),  # S3 ARNs name no account
        ("arn:aws:lambda:eu-west-1:${Token[AWS.AccountId.1]}:function:f", None),
        ("arn:aws:lambda:eu-west-1:111", None),  # too few parts to be an ARN with a resource
    ],
)
def test_account_of(arn: str, account: str | None) -> None:
    assert account_of(arn) == account
