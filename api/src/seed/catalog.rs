//! Word lists and catalogues the generator draws from.

pub const COUNTRIES: &[&str] = &[
    "US", "DE", "FR", "GB", "JP", "IN", "BR", "CA", "AU", "IT", "ES", "NL",
];
pub const PARTNER_TYPES: &[&str] = &[
    "RESELLER",
    "ISV",
    "MSP",
    "SYSTEMS_INTEGRATOR",
    "DISTRIBUTOR",
    "CONSULTANT",
];
pub const ADJ: &[&str] = &[
    "Blue", "Bright", "Northern", "Quantum", "Silver", "Rapid", "Open", "Prime", "Summit",
    "Vertex", "Harbor", "Cedar",
];
pub const NOUN: &[&str] = &[
    "Analytics",
    "Systems",
    "Data",
    "Cloud",
    "Networks",
    "Software",
    "Logic",
    "Solutions",
    "Works",
    "Labs",
    "Digital",
    "Partners",
];
pub const SUFFIX: &[&str] = &["Inc", "GmbH", "SA", "Ltd", "KK", "Pvt", "LLC", "BV"];
pub const GIVEN: &[&str] = &[
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca", "Maya", "Nils", "Olga", "Priya",
];
pub const FAMILY: &[&str] = &[
    "Adams", "Berg", "Costa", "Dubois", "Eto", "Fischer", "Garcia", "Hughes", "Ito", "Jansen",
    "Kumar", "Lopez", "Moreau", "Novak", "Okafor", "Patel",
];
pub const CITIES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Lakeside",
    "Fairview",
    "Hillcrest",
    "Oakdale",
];
/// The skill catalogue: (name, kind, track, points); points 0 = not in the points table.
pub const SKILLS: &[(&str, &str, &str, i32)] = &[
    ("IBM Certified Sales - Storage", "CERTIFICATION", "SALES", 2),
    ("IBM Certified Sales - Power", "CERTIFICATION", "SALES", 2),
    (
        "IBM Certified Sales - Software",
        "CERTIFICATION",
        "SALES",
        2,
    ),
    (
        "IBM Certified Sales - Security",
        "CERTIFICATION",
        "SALES",
        2,
    ),
    ("IBM Sales Mastery - Data and AI", "MASTERY", "SALES", 3),
    ("IBM Sales Mastery - Automation", "MASTERY", "SALES", 3),
    (
        "IBM Certified Technical - Storage",
        "CERTIFICATION",
        "TECHNICAL",
        3,
    ),
    (
        "IBM Certified Technical - Power",
        "CERTIFICATION",
        "TECHNICAL",
        3,
    ),
    (
        "IBM Certified Technical - System Z",
        "CERTIFICATION",
        "TECHNICAL",
        3,
    ),
    (
        "IBM Certified Technical - Cloud Pak",
        "CERTIFICATION",
        "TECHNICAL",
        3,
    ),
    ("IBM Technical Mastery - watsonx", "MASTERY", "TECHNICAL", 4),
    (
        "IBM Technical Mastery - Security QRadar",
        "MASTERY",
        "TECHNICAL",
        4,
    ),
    (
        "Vendor-neutral Project Management",
        "CERTIFICATION",
        "SALES",
        0,
    ),
    (
        "Generic Cloud Practitioner",
        "CERTIFICATION",
        "TECHNICAL",
        0,
    ),
];
pub const BRANDS: &[&str] = &[
    "STORAGE", "POWER", "SYSTEM_Z", "SOFTWARE", "SECURITY", "CLOUD",
];
pub const INDUSTRIES: &[&str] = &[
    "BANKING",
    "INSURANCE",
    "RETAIL",
    "HEALTHCARE",
    "MANUFACTURING",
    "GOVERNMENT",
    "TELECOM",
    "ENERGY",
];
pub const MIDDLEWARE: &[&str] = &[
    "DB2",
    "WEBSPHERE",
    "MQ",
    "WATSONX",
    "CLOUD_PAK_DATA",
    "SECURITY_VERIFY",
];
pub const HARDWARE: &[&str] = &["POWER10", "Z16", "FLASHSYSTEM", "LINUXONE"];
pub const TECHNOLOGIES: &[&str] = &[
    "AI",
    "AUTOMATION",
    "SECURITY",
    "HYBRID_CLOUD",
    "DATA",
    "STORAGE",
    "MAINFRAME",
    "IOT",
];
pub const PRODUCT_GROUPS: &[&str] = &[
    "DATA_AND_AI",
    "AUTOMATION",
    "SECURITY",
    "STORAGE",
    "POWER",
    "SYSTEM_Z",
];
pub const PRIVILEGES: &[&str] = &[
    "REPORTING",
    "ONLINE_ORDERING",
    "PROPOSAL_QUOTE_ORDER",
    "PARTNER_GUIDED_SELLING",
];
