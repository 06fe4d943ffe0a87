"""The kinds of key work (重点工作) and their default stages, as data.

A kind's stages are the steps the public should be able to follow from decision to result. The defaults below are
installed as kinds of no organisation by keyworks.services.kinds_install_defaults (on demand, not by a migration);
an organisation edits a kind by customising it (a copy of its own, keyworks.services.kind_customise). Each stage names its 五公开 category, its date rule (keyworks.rules)
and the basis of that rule.

Sources: 五公开 — 中共中央办公厅、国务院办公厅《关于全面推进政务公开工作的意见》（2016）; 重大建设项目 — 国务院办公厅
《关于推进重大建设项目批准和实施领域政府信息公开的意见》（国办发〔2017〕94号）; 换届选举 — 《中华人民共和国村民委员会
组织法》第十四条、第十五条; 不动产登记公告 — 《不动产登记暂行条例实施细则》第十七条.
"""

from dataclasses import dataclass

ART_26 = "《政府信息公开条例》第二十六条：自信息形成之日起20个工作日内公开"
GUIDANCE_94 = "国办发〔2017〕94号：重大建设项目信息自形成或者变更之日起20个工作日内公开"


@dataclass(frozen=True)
class StageSpec:
    name: str
    category: str  # keyworks.models.Category
    rule: str = "none"  # keyworks.rules.Rule
    days: int = 0
    basis: str = ""
    note: str = ""  # what the stage's items are


@dataclass(frozen=True)
class KindSpec:
    code: str
    name: str
    stages: tuple[StageSpec, ...]
    description: str = ""


DEFAULT_KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        code="five",
        name="五公开（通用）",
        description="决策、执行、管理、服务、结果公开",
        stages=(
            StageSpec("决策公开", "decision", "fixed", note="会议决定、实施方案、意见征集"),
            StageSpec("执行公开", "execution", note="工作进展、落实情况"),
            StageSpec("管理公开", "management", note="管理制度、资金使用"),
            StageSpec("服务公开", "service", note="办事指南、申请方式"),
            StageSpec("结果公开", "result", "after_completion", 20, ART_26, note="名单、验收、评估结果"),
        ),
    ),
    KindSpec(
        code="major_project",
        name="重大建设项目",
        description="政府投资的重大建设项目批准和实施（国办发〔2017〕94号）",
        stages=(
            StageSpec(
                "审批、核准、备案", "decision", "fixed", basis=GUIDANCE_94, note="批准服务和批准结果信息"
            ),
            StageSpec(
                "招标投标", "execution", "fixed", basis=GUIDANCE_94, note="招标公告、中标候选人公示、中标结果"
            ),
            StageSpec("征收土地", "execution", basis=GUIDANCE_94, note="征地批复、补偿安置方案"),
            StageSpec("重大设计变更", "management", basis=GUIDANCE_94, note="变更原因、内容和批准情况"),
            StageSpec("施工", "execution", basis=GUIDANCE_94, note="施工单位、工期、进度"),
            StageSpec("质量安全监督", "management", "fixed", basis=GUIDANCE_94, note="监督检查和处理情况"),
            StageSpec("竣工", "result", "after_completion", 20, GUIDANCE_94, note="竣工验收、决算"),
        ),
    ),
    KindSpec(
        code="land_rights",
        name="宅基地、土地确权",
        description="宅基地使用权、土地承包经营权确权登记颁证",
        stages=(
            StageSpec("实施方案", "decision", "fixed", note="确权工作实施方案、宣传动员"),
            StageSpec("办理流程", "service", note="申请条件、办理流程、所需材料"),
            StageSpec("权籍调查", "execution", note="入户调查、测绘进度"),
            StageSpec(
                "登记公告",
                "execution",
                basis="《不动产登记暂行条例实施细则》第十七条：首次登记由不动产登记机构公告，公告期不少于15个工作日",
                note="确权登记结果公告",
            ),
            StageSpec("颁证结果", "result", "after_completion", 20, ART_26, note="颁证户数、完成情况"),
        ),
    ),
    KindSpec(
        code="relocation",
        name="易地扶贫搬迁",
        stages=(
            StageSpec("搬迁政策和实施方案", "decision", "fixed", note="搬迁政策、补助标准、实施方案"),
            StageSpec("搬迁对象公示", "execution", "fixed", note="搬迁对象名单（去标识化）"),
            StageSpec("安置项目建设", "execution", note="安置点建设进度"),
            StageSpec("补助资金", "management", note="资金分配和发放"),
            StageSpec("搬迁入住结果", "result", "after_completion", 20, ART_26, note="入住、验收情况"),
        ),
    ),
    KindSpec(
        code="dilapidated_housing",
        name="农村危房改造",
        stages=(
            StageSpec("改造政策和补助标准", "service", "fixed", note="对象条件、补助标准、申请方式"),
            StageSpec("评议和审核公示", "execution", "fixed", note="村级评议、乡镇审核结果公示"),
            StageSpec("补助资金", "management", note="资金拨付和发放"),
            StageSpec("竣工验收结果", "result", "after_completion", 20, ART_26, note="验收合格户名单"),
        ),
    ),
    KindSpec(
        code="village_election",
        name="村级换届选举",
        description="村民委员会换届选举（关键日期为选举日）",
        stages=(
            StageSpec("选举工作方案", "decision", "fixed", note="换届选举工作方案、选举委员会组成"),
            StageSpec(
                "选民名单公布",
                "execution",
                "before_completion",
                20,
                "《村民委员会组织法》第十四条：参加选举的村民名单应当在选举日的二十日以前公布",
                note="登记参加选举的村民名单",
            ),
            StageSpec("候选人名单公布", "execution", "fixed", note="候选人名单及基本情况"),
            StageSpec(
                "选举结果公布",
                "result",
                "before_completion",
                0,
                "《村民委员会组织法》第十五条：选举结果应当当场公布",
                note="当选人员名单",
            ),
        ),
    ),
)
