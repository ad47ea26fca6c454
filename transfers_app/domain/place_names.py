"""The names a vendor list uses for places, as data: country aliases, well-known cities, cloud
regions, region words, US states and other subdivisions, and the short codes that are words.
``transfers_app.domain.places`` reads location cells with them. Keys are folded by
``vendor_table.fold_key`` (lower case, no accents or punctuation) unless a comment says
otherwise. Geography, not law: nothing here says where a transfer is allowed.
"""

from __future__ import annotations

# Names people type that ISO spells differently (keys are folded by ``fold_key``).
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "us": "US",
    "america": "US",
    "the us": "US",
    "the usa": "US",
    "the united states": "US",
    "united states of america": "US",
    "etats unis": "US",
    "eeuu": "US",
    "ee uu": "US",
    "uk": "GB",
    "u k": "GB",
    "the uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "england and wales": "GB",
    "grossbritannien": "GB",
    "angleterre": "GB",
    "inglaterra": "GB",
    "gran bretana": "GB",
    "grande bretagne": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "hollande": "NL",
    "holanda": "NL",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "vietnam": "VN",
    "taiwan": "TW",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "burma": "MM",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "dubai": "AE",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "palestine": "PS",
    "vatican": "VA",
    "cape verde": "CV",
    "east timor": "TL",
    "brunei": "BN",
    "el": "GR",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "cesko": "CZ",
    "magyarorszag": "HU",
    "espana": "ES",
    "italia": "IT",
    "nederland": "NL",
    "belgie": "BE",
    "belgique": "BE",
    "eire": "IE",
    "hellas": "GR",
    "brasil": "BR",
    "mexico": "MX",
    "nippon": "JP",
    "nihon": "JP",
    "zhongguo": "CN",
    "prc": "CN",
    "mainland china": "CN",
    "bharat": "IN",
    "european patent office": "EPO",
}

# Well-known cities (data centres, business hubs) and their country, in the spellings teams
# use. Ambiguous names (San José, Cambridge) are left out rather than guessed.
CITY_NAMES: dict[str, str] = {
    "GB": (
        "london|manchester|edinburgh|glasgow|cardiff|belfast|birmingham|leeds|bristol|"
        "reading|slough|newcastle upon tyne"
    ),
    "IE": "dublin|cork|galway|limerick",
    "FR": "paris|lyon|marseille|toulouse|lille|nantes|strasbourg|bordeaux",
    "DE": (
        "berlin|frankfurt|frankfurt am main|frankfurt main|frankfurt a m|hamburg|munich|"
        "munchen|cologne|koln|dusseldorf|stuttgart|nuremberg|nurnberg|leipzig|dresden|"
        "hannover|bonn|karlsruhe|walldorf|mainz|koblenz|wiesbaden|mannheim|heidelberg|"
        "freiburg|aachen|munster|bremen|essen|dortmund|gottingen|goppingen|potsdam|"
        "regensburg|augsburg|ulm|kiel|lubeck|rostock|erfurt|jena|magdeburg|saarbrucken|"
        "darmstadt|offenbach|eschborn|unterfohring|garching|gunzenhausen"
    ),
    "NL": "amsterdam|rotterdam|the hague|den haag|utrecht|eindhoven|groningen",
    "BE": "brussels|bruxelles|brussel|antwerp|antwerpen|ghent",
    "CH": "zurich|geneva|geneve|genf|basel|bern|berne|lausanne|zug|lucerne|luzern|winterthur|"
    "st gallen|lugano|zofingen|baar|schaffhausen",
    "AT": "vienna|wien|graz|linz|salzburg",
    "ES": "madrid|barcelona|valencia|seville|sevilla|malaga",
    "PT": "lisbon|lisboa|porto|oporto",
    "IT": "milan|milano|rome|roma|turin|torino|bologna",
    "GR": "athens|athina|thessaloniki",
    "SE": "stockholm|gothenburg|goteborg|malmo",
    "NO": "oslo|bergen",
    "DK": "copenhagen|kobenhavn|aarhus",
    "FI": "helsinki|espoo|hamina|tampere",
    "EE": "tallinn",
    "LV": "riga",
    "LT": "vilnius",
    "PL": "warsaw|warszawa|krakow|wroclaw|gdansk|lodz|poznan|katowice",
    "CZ": "prague|praha|brno",
    "SK": "bratislava",
    "HU": "budapest",
    "RO": "bucharest|bucuresti|cluj napoca|cluj|iasi",
    "BG": "sofia",
    "HR": "zagreb",
    "SI": "ljubljana",
    "RS": "belgrade|beograd|novi sad",
    "UA": "kyiv|kiev|lviv|kharkiv",
    "BY": "minsk",
    "RU": "moscow|moskva|saint petersburg|st petersburg",
    "TR": "istanbul|ankara|izmir",
    "IL": "tel aviv|tel aviv yafo|haifa",
    "AE": "abu dhabi",
    "SA": "riyadh|jeddah",
    "QA": "doha",
    "EG": "cairo",
    "ZA": "johannesburg|cape town|durban",
    "NG": "lagos",
    "KE": "nairobi",
    "IS": "reykjavik",
    "MT": "valletta",
    "CY": "nicosia|limassol",
    "US": (
        "new york|new york city|nyc|san francisco|los angeles|seattle|chicago|boston|"
        "austin|dallas|houston|atlanta|miami|denver|ashburn|reston|herndon|mountain view|"
        "palo alto|menlo park|redmond|cupertino|sunnyvale|santa clara|san mateo|"
        "salt lake city|phoenix|philadelphia|pittsburgh|des moines|council bluffs|"
        "the dalles|san diego|minneapolis|detroit|nashville|charlotte|raleigh|"
        "washington dc|washington d c|las vegas|san antonio|columbus|silicon valley|"
        "bellevue|kirkland|boulder|provo|lehi|irvine|oakland|san bruno|"
        "south san francisco|waltham|somerville|brooklyn|jersey city|"
        "baltimore|st louis|saint louis|kansas city|indianapolis|milwaukee|sacramento|"
        "los gatos|redwood city|foster city|burlingame|emeryville|santa monica|"
        "culver city|scottsdale|tempe|plano|frisco|armonk|stamford"
    ),
    "CA": "toronto|montreal|vancouver|ottawa|calgary|quebec city",
    "MX": "mexico city|ciudad de mexico|cdmx|monterrey|guadalajara|queretaro",
    "BR": "sao paulo|rio de janeiro|belo horizonte",
    "AR": "buenos aires|cordoba argentina",
    "CL": "santiago de chile",
    "CO": "bogota|medellin",
    "PE": "lima",
    "UY": "montevideo",
    "IN": (
        "bangalore|bengaluru|mumbai|bombay|chennai|madras|hyderabad|pune|gurgaon|gurugram|"
        "noida|new delhi|delhi|kolkata|ahmedabad"
    ),
    "PH": "manila|makati|cebu|cebu city|quezon city|taguig",
    "MY": "kuala lumpur|penang|cyberjaya",
    "ID": "jakarta",
    "TH": "bangkok",
    "VN": "ho chi minh city|saigon|hanoi",
    "JP": "tokyo|osaka|yokohama",
    "KR": "seoul|busan",
    "CN": "beijing|peking|shanghai|shenzhen|guangzhou|hangzhou",
    "TW": "taipei",
    "PK": "karachi|lahore|islamabad",
    "BD": "dhaka",
    "LK": "colombo",
    "AU": "sydney|melbourne|brisbane|canberra|adelaide|perth|hobart|darwin",
    "NZ": "auckland|wellington",
}
CITIES: dict[str, str] = {
    name: code for code, names in CITY_NAMES.items() for name in names.split("|")
}

# Cloud regions, as providers name them in subprocessor lists.
CLOUD_REGIONS: dict[str, str] = {
    **dict.fromkeys(
        ["us east 1", "us east 2", "us west 1", "us west 2", "us central1", "us east1", "us west1"],
        "US",
    ),
    **dict.fromkeys(["east us", "east us 2", "west us", "west us 2", "central us"], "US"),
    **dict.fromkeys(["north central us", "south central us"], "US"),
    "eu west 1": "IE",
    "eu west 2": "GB",
    "eu west 3": "FR",
    "eu central 1": "DE",
    "eu central 2": "CH",
    "eu north 1": "SE",
    "eu south 1": "IT",
    "eu south 2": "ES",
    "ap south 1": "IN",
    "ap northeast 1": "JP",
    "ap northeast 2": "KR",
    "ap northeast 3": "JP",
    "ap southeast 1": "SG",
    "ap southeast 2": "AU",
    "ap east 1": "HK",
    "ca central 1": "CA",
    "sa east 1": "BR",
    "me south 1": "BH",
    "me central 1": "AE",
    "af south 1": "ZA",
    "il central 1": "IL",
    "europe west1": "BE",
    "europe west2": "GB",
    "europe west3": "DE",
    "europe west4": "NL",
    "europe west6": "CH",
    "europe west9": "FR",
    "europe north1": "FI",
    "west europe": "NL",
    "north europe": "IE",
    "uk south": "GB",
    "uk west": "GB",
    "france central": "FR",
    "germany west central": "DE",
    "switzerland north": "CH",
}

# Regions and answers that are not a country: a human has to say which countries they mean.
REGION_WORDS: dict[str, str] = {
    "EU": "eu|e u|european union|europaische union|union europeenne|union europea|ue",
    "EEA": "eea|e e a|european economic area|ewr|eee|eu eea|eu and eea|eu ewr",
    "Europe": "europe|europa|european|continental europe",
    "worldwide": (
        "worldwide|world wide|global|globally|international|weltweit|monde|monde entier|"
        "mondial|mundial|todo el mundo|all countries|anywhere|global follow the sun|"
        "follow the sun"
    ),
    "Asia-Pacific": "apac|asia pacific|asia|asien",
    "EMEA": "emea",
    "the Americas": "americas|north america|nordamerika",
    "Latin America": "latam|latin america|south america|lateinamerika",
    "the Middle East": "middle east|mena",
    "Africa": "africa|afrika|afrique",
    "the Nordics": "nordics|scandinavia|nordic countries",
    "DACH (Germany, Austria, Switzerland)": "dach",
    "Benelux": "benelux",
    "several countries": (
        "multiple|various|several|multiple countries|various countries|several countries|"
        "diverse|divers|varios|verschiedene|varies|variable|it varies"
    ),
    "not stated": (
        "tbd|tbc|unknown|not known|unbekannt|inconnu|desconocido|to be confirmed|"
        "to be determined|cloud|the cloud"
    ),
    "'NA': Namibia, North America or not applicable?": "na",
}
REGIONS: dict[str, str] = {
    word: label for label, words in REGION_WORDS.items() for word in words.split("|")
}

CUSTOMER_WORDS = ("customer", "client", "kunde", "cliente", "tenant", "controller")
CHOICE_WORDS = (
    "choice",
    "choose",
    "chosen",
    "select",
    "elect",
    "option",
    "wahl",
    "gewahlt",
    "ausgewahlt",
    "choix",
    "choisi",
    "eleccion",
    "elegid",
    "seleccion",
    "depend",
    "abhangig",
    # "Region designated by Customer", "as specified by the client", "customer-configured"
    "designat",
    "determin",
    "specif",
    "prefer",
    "configur",
    "request",
    "festgelegt",
    "bestimm",
)

# Cells that say there is no place: nothing to resolve and nothing for a human to choose
# ("n/a" beside a payroll provider that hosts nothing). Compared after ``fold_key``; a bare
# "NA" stays a question (Namibia? North America?).
NOT_A_PLACE = frozenset(
    {
        "n a",
        "n a a",
        "not applicable",
        "none",
        "nicht zutreffend",
        "entfallt",
        "keine",
        "sans objet",
        "no aplica",
        "ninguno",
        "no transfer",
        "kein transfer",
    }
)
DASHES = frozenset("-–—")

# Countries of the continent of Europe (geography, not law): the word "Europe" beside one of
# them adds nothing a human must choose ("France, Europe" is France).
EUROPE_TEXT = (
    "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI "
    "LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA XK"
)
EUROPE = frozenset(EUROPE_TEXT.split())

# Distinguishing signs of vehicles, as Germans and others end an address ("Köln, D"). Read only
# as the last part of an address, never alone.
SIGNS = {"D": "DE", "A": "AT", "F": "FR", "I": "IT", "E": "ES", "B": "BE", "L": "LU", "P": "PT"}

# Well-known US cities whose name is also a city elsewhere (Cambridge, Portland...): a US
# city only beside its state ("Cambridge, MA"). Keys: folded city, postal code of the state.
US_CITY_STATE_TEXT = (
    "cambridge/MA|portland/OR|portland/ME|arlington/VA|richmond/VA|columbia/MD|durham/NC|"
    "alexandria/VA|springfield/IL|springfield/MA|burlington/MA|lexington/MA|"
    "newark/NJ|newark/DE|wilmington/DE|dover/DE|athens/GA|paris/TX|berlin/NH|"
    "manchester/NH|birmingham/AL|cordoba/TN|toledo/OH|san jose/CA|santa clara/CA|"
    "hamilton/NJ|london/KY|dublin/OH|dublin/CA|waterloo/IA|vancouver/WA|"
    "mountain view/CA|pasadena/CA|concord/NH|princeton/NJ"
)
US_CITY_STATE = frozenset(
    (city, state) for city, _, state in (p.partition("/") for p in US_CITY_STATE_TEXT.split("|"))
)

# Provinces and states written as codes after a city ("Toronto, ON", "Sydney NSW"); the US
# states are in ``US_STATE_TEXT``. Several are also country codes (NL, PE, SA): the city decides.
SUBDIVISIONS = {
    "CA": frozenset(["ON", "BC", "QC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU"]),
    "AU": frozenset(["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"]),
}

# Regions that stay for a human even when countries follow in brackets ("Customer's choice (EU
# or US)"): the countries are examples or options, unlike "EU (Amsterdam)".
OPEN_REGIONS = frozenset(
    {"worldwide", "chosen by the customer", "depends on the case", "several countries"}
)

# ISO codes that are also everyday words ("HOSTED IN THE EU"): not read inside free text.
WORD_CODES_TEXT = "IN IT AT BE NO TO AM AS BY IS ME MY SO DO ID IE AN GO HE PE SE ST AL DE ES LA EL"
WORD_CODES = frozenset(WORD_CODES_TEXT.split())

# US states, the District of Columbia and the territories, by postal code (ISO 3166-2:US), as
# a table: loading pycountry's subdivisions for them would cost a tenth of a second per run.
US_STATE_TEXT = (
    "AK=alaska|AL=alabama|AR=arkansas|AS=american samoa|AZ=arizona|CA=california|"
    "CO=colorado|CT=connecticut|DC=district of columbia|DE=delaware|FL=florida|GA=georgia|"
    "GU=guam|HI=hawaii|IA=iowa|ID=idaho|IL=illinois|IN=indiana|KS=kansas|KY=kentucky|"
    "LA=louisiana|MA=massachusetts|MD=maryland|ME=maine|MI=michigan|MN=minnesota|"
    "MO=missouri|MP=northern mariana islands|MS=mississippi|MT=montana|NC=north carolina|"
    "ND=north dakota|NE=nebraska|NH=new hampshire|NJ=new jersey|NM=new mexico|NV=nevada|"
    "NY=new york|OH=ohio|OK=oklahoma|OR=oregon|PA=pennsylvania|PR=puerto rico|"
    "RI=rhode island|SC=south carolina|SD=south dakota|TN=tennessee|TX=texas|"
    "UM=united states minor outlying islands|UT=utah|VA=virginia|VI=virgin islands u s|"
    "VT=vermont|WA=washington|WI=wisconsin|WV=west virginia|WY=wyoming"
)
