"""Every parameter the twin reads: its kind, bounds and meaning.

The values, with their sources and reasons, live in the scenarios (``scenarios/ussr-1929.toml`` holds
every one for the historical replay); this registry is what a scenario is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["PARAMETERS", "Parameter"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter:
    name: str
    group: str
    kind: str  # "float", "int", "date", "bool" or "regions"
    meaning: str
    low: float | None = None
    high: float | None = None


_P = Parameter
_LIST: tuple[Parameter, ...] = (
    # --- the work force -----------------------------------------------------------------------------
    _P(name="workers_per_place", group="population", kind="float", low=5, high=1000,
       meaning="industrial workers of a region and union for each place of its quota"),
    _P(name="factory_size", group="population", kind="int", low=20, high=20000,
       meaning="mean workers per factory (sizes are drawn lognormal around it)"),
    _P(name="age_mean", group="population", kind="float", low=18, high=60,
       meaning="mean age of volunteers who are not Komsomol members (normal, clipped to 18-62)"),
    _P(name="age_sd", group="population", kind="float", low=0.5, high=20,
       meaning="spread of those ages"),
    _P(name="stazh_shape", group="population", kind="float", low=0.2, high=20,
       meaning="shape of the gamma distribution of volunteers' years at the factory"),
    _P(name="stazh_scale", group="population", kind="float", low=0.2, high=30,
       meaning="scale of that distribution, in years (never more than age - 14)"),
    # --- volunteering (SYSTEM.md §4 Recruitment) ------------------------------------------------------
    _P(name="willing_share", group="recruitment", kind="float", low=0, high=1,
       meaning="share of a factory's workers who would declare with full information"),
    _P(name="metal_boost", group="recruitment", kind="float", low=0, high=5,
       meaning="skilled metalworkers volunteered most"),
    _P(name="textile_damping", group="recruitment", kind="float", low=0, high=5,
       meaning="textile and less-skilled workers with village ties volunteered less"),
    _P(name="leningrad_boost", group="recruitment", kind="float", low=0, high=5,
       meaning="Leningrad ran the strongest campaign (unions raised their quotas)"),
    _P(name="launch", group="recruitment", kind="date", meaning="the recruitment drive starts in most areas"),
    _P(name="terms_announced", group="recruitment", kind="date", meaning="terms of service published: missing information held volunteers back"),
    _P(name="uninformed_hazard", group="recruitment", kind="float", low=0, high=1,
       meaning="declaration hazard before the terms are known, as a share of the informed one"),
    _P(name="hesitation_dropout", group="recruitment", kind="float", low=0, high=1,
       meaning="share of the still-undeclared willing who give up on a day while the terms are unknown"),
    _P(name="daily_hazard", group="recruitment", kind="float", low=0, high=1,
       meaning="share of the still-undeclared willing who declare on a day, once informed"),
    _P(name="recruitment_end", group="recruitment", kind="date", meaning="recruitment finished in most areas late December to mid-January"),
    _P(name="resistance", group="recruitment", kind="float", low=0, high=1,
       meaning="mean share of willing workers a factory holds back (more where skills are short)"),
    _P(name="resistance_regions", group="recruitment", kind="regions", meaning="regions with skill shortages and earlier mobilizations: resistance doubled"),
    _P(name="intervention", group="recruitment", kind="date", meaning="the party intervenes in regions behind their quota"),
    _P(name="intervention_threshold", group="recruitment", kind="float", low=0, high=10,
       meaning="a region with fewer volunteers than this many per place is behind"),
    _P(name="mobilized_share_of_gap", group="recruitment", kind="float", low=0, high=1,
       meaning="share of a lagging region's gap filled by mobilizing party members"),
    # --- screening (SYSTEM.md §3.4) -------------------------------------------------------------------
    _P(name="cut_unfit_factory", group="screening", kind="float", low=0, high=1,
       meaning="chance tiers 1-2 turn down a file failing the criteria"),
    _P(name="cut_fit_factory", group="screening", kind="float", low=0, high=1,
       meaning="chance tiers 1-2 turn down a file meeting them (quotas, judgement)"),
    _P(name="cut_unfit_region", group="screening", kind="float", low=0, high=1,
       meaning="upper tiers caught most of the unsuitable pushed forward"),
    _P(name="cut_fit_region", group="screening", kind="float", low=0, high=1,
       meaning="chance tiers 3-4 turn down a file meeting the criteria"),
    # --- deployment (SYSTEM.md §3.6-3.7, §4 Deployment) -----------------------------------------------
    _P(name="course_end", group="deployment", kind="date", meaning="preparatory courses to be completed"),
    _P(name="dispatch", group="deployment", kind="date", meaning="trains leave after send-off ceremonies"),
    _P(name="dispatch_spread_days", group="deployment", kind="float", low=0, high=60,
       meaning="mean wait for a detachment's train after the dispatch date"),
    _P(name="km_per_day", group="deployment", kind="float", low=50, high=2000,
       meaning="travel speed by train, waits included"),
    _P(name="no_plan_regions", group="deployment", kind="regions", meaning="no placement plan at all below the region on 25 January"),
    _P(name="partial_plan_regions", group="deployment", kind="regions", meaning="placement plans incomplete"),
    _P(name="idle_days", group="deployment", kind="float", low=0, high=120,
       meaning="mean days a worker without a planned post waits before placement"),
    _P(name="office_share", group="deployment", kind="float", low=0, high=1,
       meaning="workers kept in offices (incorrectly employed)"),
    _P(name="unaccounted_share", group="deployment", kind="float", low=0, high=1,
       meaning="share of waiting workers lost from the agency's records until the retreat"),
    _P(name="retreat", group="deployment", kind="date", meaning="the center blames local cadres; workers get permanent posts"),
    _P(name="plans_ready", group="deployment", kind="bool", meaning="counterfactual: placement plans ready everywhere before arrival"),
    # --- field service and exits (SYSTEM.md §4 Retention) ---------------------------------------------
    _P(name="removal_rate_before_retreat", group="service", kind="float", low=0, high=20,
       meaning="yearly rate of removal by officials before the retreat"),
    _P(name="removal_rate", group="service", kind="float", low=0, high=20,
       meaning="yearly rate of removal by officials after the retreat"),
    _P(name="violation_rate", group="service", kind="float", low=0, high=5, meaning="yearly rate of removal for a violation"),
    _P(name="recall_rate", group="service", kind="float", low=0, high=5, meaning="yearly rate of recall by the factory"),
    _P(name="illness_rate", group="service", kind="float", low=0, high=5, meaning="yearly rate of illness or death (higher in national areas)"),
    _P(name="leave_rate", group="service", kind="float", low=0, high=5, meaning="yearly rate of leaving with permission"),
    _P(name="desertion_rate", group="service", kind="float", low=0, high=5, meaning="yearly rate of desertion (small)"),
    _P(name="hardship_rise", group="service", kind="float", low=0, high=10, meaning="second wave (late 1930-1931): hardship multiplies leave, recall and desertion rates"),
    _P(name="hardship_from", group="service", kind="date", meaning="start of the second wave of exits"),
    _P(name="party_stay", group="service", kind="float", low=0, high=5, meaning="party members leave less: multiplier of every rate"),
    _P(name="leningrad_stay", group="service", kind="float", low=0, high=5, meaning="workers from strong recruiting areas stay more"),
    _P(name="office_leave", group="service", kind="float", low=0, high=5, meaning="a posting in an office raises every rate"),
    _P(name="national_leave", group="service", kind="float", low=0, high=5, meaning="national and grain-consuming areas (language, climate, hostility)"),
    _P(name="national_regions", group="service", kind="regions", meaning="national areas"),
    _P(name="factory_contact", group="service", kind="bool", meaning="counterfactual: factories keep contact and pay the salary difference on time (halves recall, leave, desertion)"),
    _P(name="complaint_rate", group="service", kind="float", low=0, high=20,
       meaning="complaints a worker files per year of service (salary, housing and supply, conflict)"),
    _P(name="transfer_rate", group="service", kind="float", low=0, high=20,
       meaning="moves to another post per year of service"),
    _P(name="pre_retreat_rise", group="service", kind="float", low=0, high=20,
       meaning="complaints and transfers before the retreat of March 1930, as a multiple of the later rate"),
    _P(name="promotion_day", group="service", kind="date", meaning="promotion programme into district and regional agency posts"),
    _P(name="promoted", group="service", kind="int", low=0, high=100000,
       meaning="workers promoted (scaled with the run)"),
    _P(name="promoted_out_share", group="service", kind="float", low=0, high=1,
       meaning="of the promoted, the share whose post lies outside rural work"),
    _P(name="end_of_term", group="service", kind="date", meaning="the campaign is closed: those who wish may return"),
    _P(name="end_of_term_leave", group="service", kind="float", low=0, high=1,
       meaning="share of those serving who leave at the end of the term"),
    _P(name="study_places", group="service", kind="int", low=0, high=100000,
       meaning="institute places (scaled with the run)"),
    _P(name="factory_recall_1932", group="service", kind="float", low=0, high=1,
       meaning="share recalled at the end of the five-year plan"),
    _P(name="no_retreat", group="service", kind="bool", meaning="counterfactual: no retreat in March 1930 (removals stay at their early rate)"),
    # --- farms (exogenous context) --------------------------------------------------------------------
    _P(name="farms_1931", group="farms", kind="int", low=1, high=10_000_000,
       meaning="collective farms in the USSR, 1931"),
    _P(name="farms_1930_ratio", group="farms", kind="float", low=0, high=2,
       meaning="farms in summer 1930 as a share of 1931 (after the fall in the spring of 1930)"),
    _P(name="artel_share", group="farms", kind="float", low=0, high=1, meaning="artels among the farms"),
    _P(name="kommuna_share", group="farms", kind="float", low=0, high=1, meaning="communes among the farms (the rest are TOZ)"),
    _P(name="posts_per_farm", group="farms", kind="float", low=1, high=20, meaning="workers of the campaign on a farm that has any"),
    # --- cohort targets -----------------------------------------------------------------------------
    _P(name="women_hard", group="selection", kind="bool", meaning="counterfactual: the 15% women's target enforced as hard"),
)

PARAMETERS = MappingProxyType({p.name: p for p in _LIST})
