"""Settings and paths.

Paths come from platformdirs. The settings file is TOML in the user config dir; on
first start it is written with every value at its documented default and a comment
naming its rule, so an administrator can change the office identity, the USCC code
pool and the UNCONFIRMED legal parameters (domain.md) without a code change.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import platformdirs

from mca_tui.domain.params import LegalParams

APP_NAME = "mca-tui"
ENV_DB = "MCA_TUI_DB"
ENV_CONFIG = "MCA_TUI_CONFIG"
ENV_HOME = "MCA_TUI_HOME"  # one folder for data, config and logs (tests, portable installs)


def data_dir() -> Path:
    if home := os.environ.get(ENV_HOME):
        return Path(home) / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    if home := os.environ.get(ENV_HOME):
        return Path(home) / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    if home := os.environ.get(ENV_HOME):
        return Path(home) / "log"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    if path := os.environ.get(ENV_CONFIG):
        return Path(path)
    return config_dir() / "settings.toml"


def default_db_path() -> Path:
    return data_dir() / "registry.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def resolve_db(cli_db: str | None, demo: bool = False) -> str:
    """``--db`` (path or SQLAlchemy URL), else ``MCA_TUI_DB``, else the default file;
    ``--demo`` selects the separate demo database."""
    if demo:
        return str(demo_db_path())
    return cli_db or os.environ.get(ENV_DB) or str(default_db_path())


@dataclass(frozen=True)
class Subdistrict:
    code: str
    name: str
    communities: tuple[str, ...] = ()


# domain.md §12: the four subdistricts of Haicang since 2015 (editable reference data).
DEFAULT_SUBDISTRICTS = (
    Subdistrict("350205001", "海沧街道", ("海沧社区", "温厝社区", "海兴社区", "青礁村", "囷瑶村",
                                        "锦里村", "后井村", "渐美村")),
    Subdistrict("350205002", "新阳街道", ("霞阳社区", "祥露社区", "兴旺社区", "兴祥社区",
                                        "一农社区", "新垵村")),
    Subdistrict("350205003", "嵩屿街道", ("海发社区", "鳌冠社区", "钟山社区", "海达社区",
                                        "未来海岸社区", "海虹社区", "东屿社区", "海翔社区")),
    Subdistrict("350205004", "东孚街道", ("天竺社区", "过坂社区", "凤山社区", "莲花社区",
                                        "东埔社区", "山边社区", "寨后社区", "贞岱村", "洪塘村")),
)


@dataclass(frozen=True)
class OfficeSettings:
    name: str = "厦门市海沧区民政局"
    division_code: str = "350205"  # GB/T 2260 code, USCC positions 3-8
    short_name: str = "海民"  # document numbers: 海民社〔2022〕3号
    phone: str = ""  # printed on notices (联系电话)
    subdistricts: tuple[Subdistrict, ...] = DEFAULT_SUBDISTRICTS


@dataclass(frozen=True)
class CodePool:
    """The body (主体标识码, USCC positions 9-16) of new codes: prefix + zero-padded
    sequence; the organization-code check (pos 17) and USCC check (pos 18) are computed.
    The "MJ" prefix is observed practice for civil-affairs bodies (domain.md §11.1)."""

    prefix: str = "MJ"
    first: int = 1
    last: int = 999_999


@dataclass(frozen=True)
class UISettings:
    language: str = "zh"
    theme: str = "default"  # default | high-contrast
    idle_lock_minutes: int = 15
    max_failed_sign_ins: int = 5
    sign_in_wait_seconds: int = 60
    keymap_file: str = ""  # TOML file binding-id = "key"; "" = <config dir>/keymap.toml


@dataclass(frozen=True)
class DocumentSettings:
    """Official documents (文书): written in their own language, never the UI's."""

    language: str = "zh-CN"  # template set reports/templates/<language>/
    # 行政复议机关 named in a decision's remedy sentence: since the 2023 行政复议法 Art 24 the
    # district people's government for a district bureau (domain.md §13 item 6a).
    review_body: str = "厦门市海沧区人民政府"
    # Court of first instance for administrative cases: Xiamen concentrates district
    # cases in designated courts and the one for Haicang is not confirmed (domain.md §13
    # item 6a), so the default names no court ("依法向人民法院提起行政诉讼").
    court: str = "人民法院"
    # Deadline printed on a 补正材料通知书 when the clerk gives none (calendar days).
    correction_days: int = 30


@dataclass(frozen=True)
class BackupSettings:
    """Automatic daily backups (issue 13): on the app's first start of a day the SQLite
    registry is backed up (SQLite backup API, temporary name then rename) into ``folder``
    as ``<registry name>-YYYY-MM-DD.db``; only the newest ``keep_daily`` are kept."""

    keep_daily: int = 7  # 0 = no automatic backups
    folder: str = ""  # "" = <data dir>/backups


@dataclass(frozen=True)
class Settings:
    office: OfficeSettings = field(default_factory=OfficeSettings)
    code_pool: CodePool = field(default_factory=CodePool)
    legal: LegalParams = field(default_factory=LegalParams)
    ui: UISettings = field(default_factory=UISettings)
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    documents_dir: str = ""  # "" = <data dir>/documents
    backup: BackupSettings = field(default_factory=BackupSettings)

    def documents_path(self) -> Path:
        return Path(self.documents_dir) if self.documents_dir else data_dir() / "documents"

    def backups_path(self) -> Path:
        return Path(self.backup.folder) if self.backup.folder else data_dir() / "backups"


def _coerce(cls, table: dict):  # noqa: ANN001, ANN202
    kwargs = {}
    for f in fields(cls):
        if f.name not in table:
            continue
        value = table[f.name]
        default = getattr(cls(), f.name)
        if isinstance(default, tuple) and f.name == "subdistricts":
            value = tuple(
                Subdistrict(str(s["code"]), str(s["name"]), tuple(s.get("communities", ())))
                for s in value
            )
        elif isinstance(default, bool):
            value = bool(value)
        elif isinstance(default, int):
            value = int(value)
        elif isinstance(default, str):
            value = str(value)
        kwargs[f.name] = value
    return cls(**kwargs)


class SettingsError(ValueError):
    pass


def _check_statutory_floors(path: Path, legal: LegalParams) -> None:
    """A setting may make a statutory rule stricter, never looser (domain.md §10.8): a
    weaker value stops the start with the file, the key and the allowed values."""
    from mca_tui.i18n import t

    problems = [t("legal_floor.refused", file=str(path), key=f"legal.{key}", value=value,
                  allowed=floor.allowed_text(), article=floor.article)
                for key, value, floor in legal.floor_violations()]
    if problems:
        raise SettingsError("\n".join(problems))


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _language_ok(value: object) -> bool:
    from mca_tui.i18n import normalize_language

    try:
        return isinstance(value, str) and bool(value) and bool(normalize_language(value))
    except ValueError:
        return False


# [ui] keys: (test, catalog key of the allowed values). A wrong type or an impossible
# value stops the start (idle_lock_minutes = 0.1 would otherwise turn the lock off).
_UI_RULES = {
    "language": (_language_ok, "ui.setting.allowed_language"),
    "theme": (lambda v: v in ("default", "high-contrast"), "ui.setting.allowed_theme"),
    "idle_lock_minutes": (lambda v: _whole(v, 0, 1440), "ui.setting.allowed_idle_lock"),
    "max_failed_sign_ins": (lambda v: _whole(v, 1, 100), "ui.setting.allowed_failed_sign_ins"),
    "sign_in_wait_seconds": (lambda v: _whole(v, 1, 86_400), "ui.setting.allowed_wait"),
    "keymap_file": (lambda v: isinstance(v, str), "ui.setting.allowed_path"),
}


def _check_ui(path: Path, table: object) -> None:
    """Refuse a [ui] value of the wrong type or out of range: one line per problem with
    the file, the key and the allowed values."""
    from mca_tui.i18n import t

    if not isinstance(table, dict):
        raise SettingsError(t("ui.setting.not_a_table", file=str(path), key="ui"))
    problems = []
    for key, value in table.items():
        rule = _UI_RULES.get(key)
        if rule is None:
            problems.append(t("ui.setting.unknown", file=str(path), key=f"ui.{key}",
                              allowed=", ".join(_UI_RULES)))
        elif not rule[0](value):
            problems.append(t("ui.setting.refused", file=str(path), key=f"ui.{key}",
                              value=repr(value), allowed=t(rule[1])))
    if problems:
        raise SettingsError("\n".join(problems))


def load_settings(path: Path | None = None, *, create: bool = True) -> Settings:
    """Read the settings file; write the commented defaults if it does not exist."""
    path = path or settings_path()
    if not path.exists():
        settings = Settings()
        if create:
            write_settings(settings, path)
        return settings
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    try:
        legal = LegalParams.from_mapping(data.get("legal", {}))
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{path}: [legal] {exc}") from exc
    _check_statutory_floors(path, legal)
    _check_ui(path, data.get("ui", {}))
    return Settings(
        office=_coerce(OfficeSettings, data.get("office", {})),
        code_pool=_coerce(CodePool, data.get("code_pool", {})),
        legal=legal,
        ui=_coerce(UISettings, data.get("ui", {})),
        documents=_coerce(DocumentSettings, data.get("documents", {})),
        documents_dir=str(data.get("documents_dir", "")),
        backup=_backup_settings(path, data.get("backup", {})),
    )


def _backup_settings(path: Path, table: object) -> BackupSettings:
    """[backup]: keep_daily a whole number 0-366, folder a path (else the start stops)."""
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [backup] must be a table")
    keep = table.get("keep_daily", BackupSettings.keep_daily)
    folder = table.get("folder", BackupSettings.folder)
    unknown = set(table) - {"keep_daily", "folder"}
    if unknown or not _whole(keep, 0, 366) or not isinstance(folder, str):
        raise SettingsError(f"{path}: [backup] keep_daily = 0..366, folder = \"PATH\" "
                            f"(got {dict(table)!r})")
    return BackupSettings(keep_daily=keep, folder=folder)


_LEGAL_COMMENTS = {
    "report_cutoff_month": "年报范围：当年该月日前（含）成立的组织须报告（民政部令第27号第三条；domain.md §4.1）",
    "report_cutoff_day": "同上，日",
    "abnormal_removal_working_days": "核实后移出活动异常名录的工作日数（民政部令第60号，未确认，默认5）",
    "abnormal_auto_removal_months": "列入活动异常名录满N个月自动移出（未确认，默认6）",
    "abnormal_to_serious_years": "列入活动异常名录满N年列入严重违法失信名单（民政部令第60号）",
    "serious_removal_years": "严重违法失信名单满N年可申请移出（民政部令第60号）",
    "case_filing_decision_working_days": "决定是否立案的工作日期限（民政部令第68号第七条，未确认；0=不限）",
    "statement_defence_working_days": "陈述、申辩的工作日期限（民政部令第68号，未确认；实践默认5）",
    "hearing_request_working_days": "告知后申请听证的工作日期限（行政处罚法第六十四条第一项，法定5，只可延长）",
    "establishment_decision_days": "成立登记决定期限（日；社团条例第十二条等，法定60，只可缩短）",
    "change_decision_working_days": "变更、注销登记决定期限（工作日；行政许可法第四十二条，法定20，只可缩短）",
    "announcement_service_days": "公告送达自发出之日起经过N日视为送达（民事诉讼法第九十五条；福建实践曾用60）",
    "spot_check_publication_working_days": "抽查结果公示的工作日期限（未确认，默认20）",
    "spot_check_min_ratio_percent": "县级抽查比例下限百分比（民发〔2017〕45号第五条，法定3，只可提高）",
    "certificate_validity_years": "登记证书有效期年数（未确认，上海例为5年；0=不标注）",
    "unreachable_letters_min_gap_days": "无法取得联系：两次挂号信最少间隔天数（第60号令草案，未确认）",
    "unreachable_letters_max_gap_days": "无法取得联系：两次挂号信最多间隔天数（第60号令草案，未确认）",
    "pne_min_founding_funds_yuan": "民办非企业单位开办资金下限（元，地方标准未确认；0=不检查）",
    "social_group_min_funds_yuan": "地方性社会团体活动资金下限（元，《社会团体登记管理条例》第十条，法定30000，只可提高）",
    "hearing_for_revocation": "撤销登记前告知听证权利（民政部令第68号所列范围未确认；实践中告知）",
    "hearing_for_suspension": "限期停止活动前告知听证权利（同上）",
    "penalty_decision_extension_days": "90日处罚决定期限经批准可延长的天数（第68号令延长规则未确认；0=不延长）",
    "notice_before_listing": "列入信用名录前书面告知（第60号令草案，终稿未确认）",
    "annual_report_mode": "年检(inspection，评定合格/基本合格/不合格) 或 年报(report)（海沧未确认）",
    "evaluation_expiry_queue_days": "评估等级到期前N日列入到期提醒，并可重新申请评估（民政部令第39号第六条、第二十八条；本地设定）",
    "spot_check_inspectors_per_org": "每个被抽查组织随机抽取的检查人员数（民发〔2017〕45号，至少2名）",
}


_DOCUMENT_COMMENTS = {
    "language": "文书语言（与界面语言无关），默认 zh-CN",
    "review_body": "不予登记等决定书告知的行政复议机关（行政复议法第二十四条：区人民政府）",
    "court": "行政诉讼的人民法院；厦门集中管辖，海沧区案件由哪个法院管辖未确认，默认“人民法院”",
    "correction_days": "补正材料通知书未填期限时的默认补正期限（日）",
}


def write_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings as commented TOML (tomlkit keeps the comments)."""
    import tomlkit

    path = path or settings_path()
    doc = tomlkit.document()
    doc.add(tomlkit.comment("mca-tui 设置 / settings. 修改后重启生效 (restart to apply)."))
    doc.add("documents_dir", settings.documents_dir)
    office = tomlkit.table()
    office.add(tomlkit.comment("办公机构 / office identity"))
    office.add("name", settings.office.name)
    office.add("division_code", settings.office.division_code)
    office["division_code"].comment("行政区划代码，统一社会信用代码第3-8位 (GB/T 2260)")
    office.add("short_name", settings.office.short_name)
    office["short_name"].comment("文号机关代字，如 海民社〔2022〕3号")
    office.add("phone", settings.office.phone)
    office["phone"].comment("窗口联系电话，印在受理通知书等文书上（空则不印）")
    subs = tomlkit.aot()
    for s in settings.office.subdistricts:
        t = tomlkit.table()
        t.add("code", s.code)
        t.add("name", s.name)
        t.add("communities", list(s.communities))
        subs.append(t)
    office.add("subdistricts", subs)
    doc.add("office", office)
    pool = tomlkit.table()
    pool.add(tomlkit.comment("新赋统一社会信用代码的主体标识码号段：前缀+顺序号（domain.md §11.1）"))
    for k, v in asdict(settings.code_pool).items():
        pool.add(k, v)
    doc.add("code_pool", pool)
    legal = tomlkit.table()
    legal.add(tomlkit.comment("法定参数：domain.md 标为「未确认」的取值，附默认值与依据"))
    for k, v in asdict(settings.legal).items():
        item = tomlkit.item(v)
        if k in _LEGAL_COMMENTS:
            item.comment(_LEGAL_COMMENTS[k])
        legal.add(k, item)
    doc.add("legal", legal)
    ui = tomlkit.table()
    for k, v in asdict(settings.ui).items():
        ui.add(k, v)
    doc.add("ui", ui)
    documents = tomlkit.table()
    documents.add(tomlkit.comment("文书 / official documents (document language, not the UI's)"))
    for k, v in asdict(settings.documents).items():
        item = tomlkit.item(v)
        item.comment(_DOCUMENT_COMMENTS[k])
        documents.add(k, item)
    doc.add("documents", documents)
    backup = tomlkit.table()
    backup.add(tomlkit.comment("自动备份 / daily backups: 每天首次启动时备份登记库，保留最近 keep_daily 份"))
    backup.add("keep_daily", settings.backup.keep_daily)
    backup["keep_daily"].comment("保留最近几天的每日备份（0 = 不自动备份）")
    backup.add("folder", settings.backup.folder)
    backup["folder"].comment("备份文件夹；空 = <数据目录>/backups")
    doc.add("backup", backup)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return path


def with_language(settings: Settings, lang: str) -> Settings:
    return replace(settings, ui=replace(settings.ui, language=lang))
