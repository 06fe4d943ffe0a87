from django import forms


class SynonymForm(forms.Form):
    word = forms.CharField(
        label="检索词",
        max_length=20,
        help_text="群众可能输入的写法，如 低宝、新农合",
        error_messages={"required": "请填写检索词", "max_length": "检索词不能超过20个字"},
    )
    means = forms.CharField(
        label="同时检索",
        max_length=20,
        help_text="信息中使用的说法，如 低保、城乡居民医保",
        error_messages={"required": "请填写同时检索的词", "max_length": "同时检索的词不能超过20个字"},
    )
    both_ways = forms.BooleanField(
        label="双向（两个词说的是同一件事，检索任一个都同时检索另一个）", required=False
    )
