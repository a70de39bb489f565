"""Realistic synthetic shop data: platform exports of Tmall, JD and Shopify stores.

>>> from shopops.sample import generate, SampleSpec
>>> result = generate(SampleSpec(stores=3, days=60), out_dir=Path("exports"))  # doctest: +SKIP
"""

from shopops.sample.generator import generate
from shopops.sample.spec import Anomaly, SampleFile, SampleResult, SampleSpec, StoreInfo

__all__ = ["Anomaly", "SampleFile", "SampleResult", "SampleSpec", "StoreInfo", "generate"]
