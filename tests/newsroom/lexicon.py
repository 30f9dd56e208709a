"""Polish word lists and sentence templates for the offline newsroom.

Everything here was written for this project (fictional people, invented events).
Templates are ``str.format`` strings over a story context (see ``prose.py``):
``P``/``Q``/``R`` people, ``I``/``I2`` institutions, ``C``/``C2`` places, ``T`` topic,
plus fresh fillers (``{n}``, ``{kw}``, ``{pr}``, ``{day}``, ``{dzien}`` ...).
Grammatical case is fixed by each slot (``T.gen`` = genitive, ``C.loc`` = "w Krakowie").
"""

MALE_FIRST = ("Adam Piotr Krzysztof Tomasz Paweł Marcin Michał Jakub Grzegorz Łukasz Andrzej "
              "Jerzy Wojciech Rafał Mateusz Zbigniew Bartłomiej Sławomir Dariusz Kamil Henryk "
              "Stanisław Szymon Wiesław Leszek Przemysław Maciej Ryszard").split()
FEMALE_FIRST = ("Anna Katarzyna Małgorzata Agnieszka Joanna Ewa Magdalena Monika Dorota Barbara "
                "Elżbieta Justyna Aleksandra Beata Zofia Halina Renata Iwona Marta Natalia Jadwiga "
                "Grażyna Urszula Teresa Bożena Weronika Wiktoria Julia").split()
SURNAMES = ("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
            "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski "
            "Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek Jabłoński Król "
            "Majewski Olszewski Jaworski Wróbel Malinowski Pawlak Witkowski Walczak Stępień Górski "
            "Rutkowski Michalak Sikora Ostrowski Baran Szewczyk Tomaszewski Pietrzak Marciniak "
            "Wróblewski Zalewski Jakubowski Jasiński Zawadzki Sadowski Bąk Chmielewski Włodarczyk "
            "Borkowski Czarnecki Sawicki Sokołowski Urbański Kubiak Maciejewski Szczepański "
            "Kucharski Wilk Kalinowski Lis Mazurek Wysocki Adamski Kaźmierczak Wasilewski Sobczak "
            "Czerwiński Andrzejewski Cieślak Głowacki Zakrzewski Kołodziej Krajewski Gajewski "
            "Szymczak Szulc Baranowski Laskowski Brzeziński Makowski Ziółkowski Przybylski "
            "Gąsienica Bachleda Chowaniec Łukaszczyk Hajduk Rzepka Ćwik Żurawski Śliwiński").split()
PODHALE_SURNAMES = "Gąsienica Bachleda Chowaniec Łukaszczyk Hajduk Karpiel Stoch Budz Galica Rzadkosz Mróz Zubek".split()

FOREIGN_PEOPLE = (  # (first, surname, female?)
    ("Ołeksandr", "Hnatiuk", False), ("Taras", "Bondarenko", False), ("Bohdan", "Melnyczuk", False),
    ("Iryna", "Tkaczenko", True), ("Olena", "Kowalenko", True), ("Natalija", "Szewczuk", True),
    ("Dmitrij", "Sokołow", False), ("Nikołaj", "Bielajew", False), ("Jelena", "Orłowa", True),
    ("Gediminas", "Vaitkus", False), ("Rūta", "Jankauskaitė", True), ("Andris", "Kalniņš", False),
    ("Ingrid", "Baumann", True), ("Markus", "Hoffmann", False), ("Claire", "Dubois", True),
    ("Luc", "Moreau", False), ("Petra", "Nováková", True), ("Tomáš", "Horák", False),
    ("Siarhiej", "Kaliniczenka", False), ("Wolha", "Zacharenka", True), ("Mihai", "Popescu", False),
    ("Ilona", "Szabó", True), ("James", "Whitmore", False), ("Sarah", "Lindqvist", True),
)

# (male role, female role)
ROLES = {
    "domestic": (("minister infrastruktury", "minister infrastruktury"), ("wiceminister finansów", "wiceminister finansów"),
                 ("rzecznik ratusza", "rzeczniczka ratusza"), ("prezydent miasta", "prezydent miasta"),
                 ("wojewoda", "wojewoda"), ("marszałek województwa", "marszałek województwa"),
                 ("poseł", "posłanka"), ("senator", "senatorka"), ("radny", "radna"),
                 ("dyrektor szpitala wojewódzkiego", "dyrektorka szpitala wojewódzkiego"),
                 ("przewodniczący komisji budżetowej", "przewodnicząca komisji budżetowej"),
                 ("burmistrz", "burmistrz"), ("starosta", "starosta"),
                 ("prezes spółki wodociągowej", "prezeska spółki wodociągowej"),
                 ("rzecznik wojewody", "rzeczniczka wojewody"), ("rektor politechniki", "rektorka politechniki"),
                 ("socjolog", "socjolożka"), ("politolog", "politolożka"),
                 ("komendant straży pożarnej", "komendantka straży pożarnej"),
                 ("dyrektor szkoły", "dyrektorka szkoły"), ("wiceprzewodniczący rady miasta", "wiceprzewodnicząca rady miasta")),
    "world": (("minister spraw zagranicznych", "minister spraw zagranicznych"), ("rzecznik rządu", "rzeczniczka rządu"),
              ("szef dyplomacji", "szefowa dyplomacji"), ("ambasador", "ambasadorka"),
              ("komisarz UE ds. energii", "komisarz UE ds. energii"), ("wicepremier", "wicepremier"),
              ("doradca prezydenta", "doradczyni prezydenta"), ("przewodniczący parlamentu", "przewodnicząca parlamentu"),
              ("analityk ds. bezpieczeństwa", "analityczka ds. bezpieczeństwa"), ("dyplomata", "dyplomatka"),
              ("szef delegacji", "szefowa delegacji"), ("sekretarz stanu", "sekretarz stanu")),
    "economy": (("główny ekonomista banku", "główna ekonomistka banku"), ("prezes związku pracodawców", "prezeska związku pracodawców"),
                ("członek Rady Polityki Pieniężnej", "członkini Rady Polityki Pieniężnej"),
                ("analityk rynku surowców", "analityczka rynku surowców"), ("dyrektor finansowy spółki", "dyrektorka finansowa spółki"),
                ("wiceminister rozwoju", "wiceminister rozwoju"), ("doradca podatkowy", "doradczyni podatkowa"),
                ("ekonomista", "ekonomistka"), ("prezes izby handlowej", "prezeska izby handlowej")),
    "history": (("historyk", "historyczka"), ("prezes stowarzyszenia kresowian", "prezeska stowarzyszenia kresowian"),
                ("konsul generalny", "konsul generalna"), ("proboszcz parafii", "proboszcz parafii"),
                ("archeolog", "archeolożka"), ("dyrektor muzeum", "dyrektorka muzeum"),
                ("przedstawiciel IPN", "przedstawicielka IPN"), ("badacz dziejów Kresów", "badaczka dziejów Kresów")),
    "regional": (("burmistrz", "burmistrz"), ("wójt gminy", "wójt gminy"), ("starosta nowotarski", "starosta nowotarska"),
                 ("naczelnik TOPR", "naczelniczka TOPR"), ("dyrektor parku narodowego", "dyrektorka parku narodowego"),
                 ("radny powiatowy", "radna powiatowa"), ("sołtys", "sołtyska"), ("przewodnik tatrzański", "przewodniczka tatrzańska"),
                 ("kierownik budowy", "kierowniczka budowy"), ("prezes kółka rolniczego", "prezeska kółka rolniczego")),
    "culture": (("dyrektor ośrodka kultury", "dyrektorka ośrodka kultury"), ("kurator wystawy", "kuratorka wystawy"),
                ("kierownik kapeli", "kierowniczka kapeli"), ("etnograf", "etnografka"),
                ("organizator festiwalu", "organizatorka festiwalu"), ("twórca ludowy", "twórczyni ludowa")),
}

# places: "nom|gen|loc-with-preposition"
PLACES = {
    "domestic": """Kraków|Krakowa|w Krakowie
Lublin|Lublina|w Lublinie
Wrocław|Wrocławia|we Wrocławiu
Poznań|Poznania|w Poznaniu
Gdańsk|Gdańska|w Gdańsku
Łódź|Łodzi|w Łodzi
Rzeszów|Rzeszowa|w Rzeszowie
Białystok|Białegostoku|w Białymstoku
Kielce|Kielc|w Kielcach
Olsztyn|Olsztyna|w Olsztynie
Opole|Opola|w Opolu
Toruń|Torunia|w Toruniu
Radom|Radomia|w Radomiu
Płock|Płocka|w Płocku
Tarnów|Tarnowa|w Tarnowie
Siedlce|Siedlec|w Siedlcach
Zamość|Zamościa|w Zamościu
Elbląg|Elbląga|w Elblągu
Gorzów Wielkopolski|Gorzowa Wielkopolskiego|w Gorzowie Wielkopolskim
Częstochowa|Częstochowy|w Częstochowie""",
    "world": """Kijów|Kijowa|w Kijowie
Wilno|Wilna|w Wilnie
Ryga|Rygi|w Rydze
Bruksela|Brukseli|w Brukseli
Berlin|Berlina|w Berlinie
Genewa|Genewy|w Genewie
Wiedeń|Wiednia|w Wiedniu
Kiszyniów|Kiszyniowa|w Kiszyniowie
Tallin|Tallina|w Tallinie
Praga|Pragi|w Pradze
Bukareszt|Bukaresztu|w Bukareszcie
Helsinki|Helsinek|w Helsinkach
Sztokholm|Sztokholmu|w Sztokholmie
Odessa|Odessy|w Odessie
Budapeszt|Budapesztu|w Budapeszcie""",
    "history": """Lwów|Lwowa|we Lwowie
Wilno|Wilna|w Wilnie
Grodno|Grodna|w Grodnie
Łuck|Łucka|w Łucku
Tarnopol|Tarnopola|w Tarnopolu
Drohobycz|Drohobycza|w Drohobyczu
Nowogródek|Nowogródka|w Nowogródku
Krzemieniec|Krzemieńca|w Krzemieńcu
Równe|Równego|w Równem
Kamieniec Podolski|Kamieńca Podolskiego|w Kamieńcu Podolskim
Brześć|Brześcia|w Brześciu
Żytomierz|Żytomierza|w Żytomierzu""",
    "regional": """Zakopane|Zakopanego|w Zakopanem
Nowy Targ|Nowego Targu|w Nowym Targu
Bukowina Tatrzańska|Bukowiny Tatrzańskiej|w Bukowinie Tatrzańskiej
Poronin|Poronina|w Poroninie
Szczawnica|Szczawnicy|w Szczawnicy
Rabka-Zdrój|Rabki-Zdroju|w Rabce-Zdroju
Czarny Dunajec|Czarnego Dunajca|w Czarnym Dunajcu
Jabłonka|Jabłonki|w Jabłonce
Kościelisko|Kościeliska|w Kościelisku
Białka Tatrzańska|Białki Tatrzańskiej|w Białce Tatrzańskiej
Szaflary|Szaflar|w Szaflarach
Maniowy|Maniów|w Maniowach""",
}
PLACES["economy"] = PLACES["domestic"]
PLACES["culture"] = PLACES["regional"]

# institutions: "nom|gen|acc|past-tense suffix (ł/ła/ło)"
INSTITUTIONS = {
    "domestic": """Ministerstwo Infrastruktury|Ministerstwa Infrastruktury|Ministerstwo Infrastruktury|ło
Najwyższa Izba Kontroli|Najwyższej Izby Kontroli|Najwyższą Izbę Kontroli|ła
urząd marszałkowski|urzędu marszałkowskiego|urząd marszałkowski|ł
Narodowy Fundusz Zdrowia|Narodowego Funduszu Zdrowia|Narodowy Fundusz Zdrowia|ł
ratusz|ratusza|ratusz|ł
Ministerstwo Edukacji|Ministerstwa Edukacji|Ministerstwo Edukacji|ło
Generalna Dyrekcja Dróg Krajowych i Autostrad|Generalnej Dyrekcji Dróg Krajowych i Autostrad|Generalną Dyrekcję Dróg Krajowych i Autostrad|ła
Rzecznik Praw Obywatelskich|Rzecznika Praw Obywatelskich|Rzecznika Praw Obywatelskich|ł
Wojewódzki Sąd Administracyjny|Wojewódzkiego Sądu Administracyjnego|Wojewódzki Sąd Administracyjny|ł
zarząd województwa|zarządu województwa|zarząd województwa|ł
Regionalna Izba Obrachunkowa|Regionalnej Izby Obrachunkowej|Regionalną Izbę Obrachunkową|ła
Państwowa Straż Pożarna|Państwowej Straży Pożarnej|Państwową Straż Pożarną|ła
Ministerstwo Zdrowia|Ministerstwa Zdrowia|Ministerstwo Zdrowia|ło
zarząd dróg miejskich|zarządu dróg miejskich|zarząd dróg miejskich|ł""",
    "world": """Komisja Europejska|Komisji Europejskiej|Komisję Europejską|ła
Ministerstwo Spraw Zagranicznych|Ministerstwa Spraw Zagranicznych|Ministerstwo Spraw Zagranicznych|ło
Rada Bezpieczeństwa ONZ|Rady Bezpieczeństwa ONZ|Radę Bezpieczeństwa ONZ|ła
Parlament Europejski|Parlamentu Europejskiego|Parlament Europejski|ł
Sojusz Północnoatlantycki|Sojuszu Północnoatlantyckiego|Sojusz Północnoatlantycki|ł
Departament Stanu|Departamentu Stanu|Departament Stanu|ł
Kreml|Kremla|Kreml|ł
rząd Ukrainy|rządu Ukrainy|rząd Ukrainy|ł
litewski Sejm|litewskiego Sejmu|litewski Sejm|ł
Straż Graniczna|Straży Granicznej|Straż Graniczną|ła
OBWE|OBWE|OBWE|ła
Rada Unii Europejskiej|Rady Unii Europejskiej|Radę Unii Europejskiej|ła""",
    "economy": """Główny Urząd Statystyczny|Głównego Urzędu Statystycznego|Główny Urząd Statystyczny|ł
Narodowy Bank Polski|Narodowego Banku Polskiego|Narodowy Bank Polski|ł
Ministerstwo Finansów|Ministerstwa Finansów|Ministerstwo Finansów|ło
Urząd Ochrony Konkurencji i Konsumentów|Urzędu Ochrony Konkurencji i Konsumentów|Urząd Ochrony Konkurencji i Konsumentów|ł
Komisja Nadzoru Finansowego|Komisji Nadzoru Finansowego|Komisję Nadzoru Finansowego|ła
Ministerstwo Rozwoju|Ministerstwa Rozwoju|Ministerstwo Rozwoju|ło
Urząd Regulacji Energetyki|Urzędu Regulacji Energetyki|Urząd Regulacji Energetyki|ł
Polski Instytut Ekonomiczny|Polskiego Instytutu Ekonomicznego|Polski Instytut Ekonomiczny|ł
zarząd spółki|zarządu spółki|zarząd spółki|ł
Rada Polityki Pieniężnej|Rady Polityki Pieniężnej|Radę Polityki Pieniężnej|ła""",
    "history": """Instytut Pamięci Narodowej|Instytutu Pamięci Narodowej|Instytut Pamięci Narodowej|ł
konsulat generalny RP|konsulatu generalnego RP|konsulat generalny RP|ł
Ministerstwo Kultury|Ministerstwa Kultury|Ministerstwo Kultury|ło
stowarzyszenie kresowian|stowarzyszenia kresowian|stowarzyszenie kresowian|ło
Fundacja Dziedzictwa Kresowego|Fundacji Dziedzictwa Kresowego|Fundację Dziedzictwa Kresowego|ła
miejscowa parafia|miejscowej parafii|miejscową parafię|ła
Instytut Polonika|Instytutu Polonika|Instytut Polonika|ł
ukraiński Instytut Pamięci Narodowej|ukraińskiego Instytutu Pamięci Narodowej|ukraiński Instytut Pamięci Narodowej|ł""",
    "regional": """Tatrzański Park Narodowy|Tatrzańskiego Parku Narodowego|Tatrzański Park Narodowy|ł
starostwo powiatowe|starostwa powiatowego|starostwo powiatowe|ło
urząd gminy|urzędu gminy|urząd gminy|ł
Tatrzańskie Ochotnicze Pogotowie Ratunkowe|Tatrzańskiego Ochotniczego Pogotowia Ratunkowego|Tatrzańskie Ochotnicze Pogotowie Ratunkowe|ło
rada miasta|rady miasta|radę miasta|ła
Generalna Dyrekcja Dróg Krajowych i Autostrad|Generalnej Dyrekcji Dróg Krajowych i Autostrad|Generalną Dyrekcję Dróg Krajowych i Autostrad|ła
Związek Podhalan|Związku Podhalan|Związek Podhalan|ł
komenda powiatowa policji|komendy powiatowej policji|komendę powiatową policji|ła""",
    "culture": """miejski ośrodek kultury|miejskiego ośrodka kultury|miejski ośrodek kultury|ł
Muzeum Tatrzańskie|Muzeum Tatrzańskiego|Muzeum Tatrzańskie|ło
Związek Podhalan|Związku Podhalan|Związek Podhalan|ł
gminna biblioteka publiczna|gminnej biblioteki publicznej|gminną bibliotekę publiczną|ła
stowarzyszenie twórców ludowych|stowarzyszenia twórców ludowych|stowarzyszenie twórców ludowych|ło
urząd gminy|urzędu gminy|urząd gminy|ł""",
}

# topics: "nom|gen|acc|loc|ins|tag"
TOPICS = {
    "domestic": """budowa obwodnicy|budowy obwodnicy|budowę obwodnicy|budowie obwodnicy|budową obwodnicy|drogi
modernizacja linii tramwajowej|modernizacji linii tramwajowej|modernizację linii tramwajowej|modernizacji linii tramwajowej|modernizacją linii tramwajowej|transport
reforma szpitali powiatowych|reformy szpitali powiatowych|reformę szpitali powiatowych|reformie szpitali powiatowych|reformą szpitali powiatowych|zdrowie
program dopłat do wymiany pieców|programu dopłat do wymiany pieców|program dopłat do wymiany pieców|programie dopłat do wymiany pieców|programem dopłat do wymiany pieców|smog
zakaz nocnej sprzedaży alkoholu|zakazu nocnej sprzedaży alkoholu|zakaz nocnej sprzedaży alkoholu|zakazie nocnej sprzedaży alkoholu|zakazem nocnej sprzedaży alkoholu|samorząd
podwyżka cen biletów komunikacji miejskiej|podwyżki cen biletów komunikacji miejskiej|podwyżkę cen biletów komunikacji miejskiej|podwyżce cen biletów komunikacji miejskiej|podwyżką cen biletów komunikacji miejskiej|transport
rozbudowa szkoły podstawowej|rozbudowy szkoły podstawowej|rozbudowę szkoły podstawowej|rozbudowie szkoły podstawowej|rozbudową szkoły podstawowej|edukacja
remont dworca kolejowego|remontu dworca kolejowego|remont dworca kolejowego|remoncie dworca kolejowego|remontem dworca kolejowego|kolej
plan zagospodarowania przestrzennego|planu zagospodarowania przestrzennego|plan zagospodarowania przestrzennego|planie zagospodarowania przestrzennego|planem zagospodarowania przestrzennego|samorząd
strefa czystego transportu|strefy czystego transportu|strefę czystego transportu|strefie czystego transportu|strefą czystego transportu|ekologia
budżet obywatelski|budżetu obywatelskiego|budżet obywatelski|budżecie obywatelskim|budżetem obywatelskim|samorząd
wycinka drzew w parku miejskim|wycinki drzew w parku miejskim|wycinkę drzew w parku miejskim|wycince drzew w parku miejskim|wycinką drzew w parku miejskim|ekologia
budowa spalarni odpadów|budowy spalarni odpadów|budowę spalarni odpadów|budowie spalarni odpadów|budową spalarni odpadów|odpady
nowy rozkład jazdy pociągów regionalnych|nowego rozkładu jazdy pociągów regionalnych|nowy rozkład jazdy pociągów regionalnych|nowym rozkładzie jazdy pociągów regionalnych|nowym rozkładem jazdy pociągów regionalnych|kolej
zmiany w podstawie programowej|zmian w podstawie programowej|zmiany w podstawie programowej|zmianach w podstawie programowej|zmianami w podstawie programowej|edukacja
ustawa o ochronie ludności|ustawy o ochronie ludności|ustawę o ochronie ludności|ustawie o ochronie ludności|ustawą o ochronie ludności|bezpieczeństwo
program mieszkań na wynajem|programu mieszkań na wynajem|program mieszkań na wynajem|programie mieszkań na wynajem|programem mieszkań na wynajem|mieszkania
cyfryzacja urzędów gminnych|cyfryzacji urzędów gminnych|cyfryzację urzędów gminnych|cyfryzacji urzędów gminnych|cyfryzacją urzędów gminnych|cyfryzacja
budowa schronów w szkołach|budowy schronów w szkołach|budowę schronów w szkołach|budowie schronów w szkołach|budową schronów w szkołach|bezpieczeństwo
likwidacja oddziału położniczego|likwidacji oddziału położniczego|likwidację oddziału położniczego|likwidacji oddziału położniczego|likwidacją oddziału położniczego|zdrowie""",
    "world": """rozmowy o zawieszeniu broni|rozmów o zawieszeniu broni|rozmowy o zawieszeniu broni|rozmowach o zawieszeniu broni|rozmowami o zawieszeniu broni|dyplomacja
umowa o współpracy energetycznej|umowy o współpracy energetycznej|umowę o współpracy energetycznej|umowie o współpracy energetycznej|umową o współpracy energetycznej|energetyka
sankcje wobec sektora bankowego|sankcji wobec sektora bankowego|sankcje wobec sektora bankowego|sankcjach wobec sektora bankowego|sankcjami wobec sektora bankowego|sankcje
odbudowa infrastruktury energetycznej|odbudowy infrastruktury energetycznej|odbudowę infrastruktury energetycznej|odbudowie infrastruktury energetycznej|odbudową infrastruktury energetycznej|Ukraina
wymiana jeńców|wymiany jeńców|wymianę jeńców|wymianie jeńców|wymianą jeńców|wojna
kontrola zbrojeń|kontroli zbrojeń|kontrolę zbrojeń|kontroli zbrojeń|kontrolą zbrojeń|bezpieczeństwo
tranzyt gazu przez region|tranzytu gazu przez region|tranzyt gazu przez region|tranzycie gazu przez region|tranzytem gazu przez region|energetyka
bezpieczeństwo żeglugi na Bałtyku|bezpieczeństwa żeglugi na Bałtyku|bezpieczeństwo żeglugi na Bałtyku|bezpieczeństwie żeglugi na Bałtyku|bezpieczeństwem żeglugi na Bałtyku|Bałtyk
rozszerzenie Unii Europejskiej|rozszerzenia Unii Europejskiej|rozszerzenie Unii Europejskiej|rozszerzeniu Unii Europejskiej|rozszerzeniem Unii Europejskiej|UE
sytuacja na granicy z Białorusią|sytuacji na granicy z Białorusią|sytuację na granicy z Białorusią|sytuacji na granicy z Białorusią|sytuacją na granicy z Białorusią|granica
prawa mniejszości polskiej na Litwie|praw mniejszości polskiej na Litwie|prawa mniejszości polskiej na Litwie|prawach mniejszości polskiej na Litwie|prawami mniejszości polskiej na Litwie|Litwa
szczyt przywódców państw regionu|szczytu przywódców państw regionu|szczyt przywódców państw regionu|szczycie przywódców państw regionu|szczytem przywódców państw regionu|dyplomacja
pomoc humanitarna dla uchodźców|pomocy humanitarnej dla uchodźców|pomoc humanitarną dla uchodźców|pomocy humanitarnej dla uchodźców|pomocą humanitarną dla uchodźców|uchodźcy
budowa korytarza transportowego|budowy korytarza transportowego|budowę korytarza transportowego|budowie korytarza transportowego|budową korytarza transportowego|transport
misja obserwacyjna OBWE|misji obserwacyjnej OBWE|misję obserwacyjną OBWE|misji obserwacyjnej OBWE|misją obserwacyjną OBWE|OBWE
ochrona infrastruktury podmorskiej|ochrony infrastruktury podmorskiej|ochronę infrastruktury podmorskiej|ochronie infrastruktury podmorskiej|ochroną infrastruktury podmorskiej|Bałtyk""",
    "economy": """podwyżka stóp procentowych|podwyżki stóp procentowych|podwyżkę stóp procentowych|podwyżce stóp procentowych|podwyżką stóp procentowych|stopy procentowe
inflacja bazowa|inflacji bazowej|inflację bazową|inflacji bazowej|inflacją bazową|inflacja
ceny energii dla firm|cen energii dla firm|ceny energii dla firm|cenach energii dla firm|cenami energii dla firm|energia
płaca minimalna|płacy minimalnej|płacę minimalną|płacy minimalnej|płacą minimalną|płace
eksport polskiej żywności|eksportu polskiej żywności|eksport polskiej żywności|eksporcie polskiej żywności|eksportem polskiej żywności|eksport
rynek mieszkaniowy|rynku mieszkaniowego|rynek mieszkaniowy|rynku mieszkaniowym|rynkiem mieszkaniowym|nieruchomości
budowa elektrowni jądrowej|budowy elektrowni jądrowej|budowę elektrowni jądrowej|budowie elektrowni jądrowej|budową elektrowni jądrowej|energetyka
fuzja spółek paliwowych|fuzji spółek paliwowych|fuzję spółek paliwowych|fuzji spółek paliwowych|fuzją spółek paliwowych|paliwa
kredyty hipoteczne|kredytów hipotecznych|kredyty hipoteczne|kredytach hipotecznych|kredytami hipotecznymi|banki
podatek od nieruchomości|podatku od nieruchomości|podatek od nieruchomości|podatku od nieruchomości|podatkiem od nieruchomości|podatki
produkcja przemysłowa|produkcji przemysłowej|produkcję przemysłową|produkcji przemysłowej|produkcją przemysłową|przemysł
deficyt budżetowy|deficytu budżetowego|deficyt budżetowy|deficycie budżetowym|deficytem budżetowym|budżet
ceny skupu zbóż|cen skupu zbóż|ceny skupu zbóż|cenach skupu zbóż|cenami skupu zbóż|rolnictwo
sprzedaż detaliczna|sprzedaży detalicznej|sprzedaż detaliczną|sprzedaży detalicznej|sprzedażą detaliczną|handel
akcyza na paliwa|akcyzy na paliwa|akcyzę na paliwa|akcyzie na paliwa|akcyzą na paliwa|podatki
rynek pracy w przemyśle|rynku pracy w przemyśle|rynek pracy w przemyśle|rynku pracy w przemyśle|rynkiem pracy w przemyśle|praca""",
    "history": """ekshumacja ofiar z 1943 roku|ekshumacji ofiar z 1943 roku|ekshumację ofiar z 1943 roku|ekshumacji ofiar z 1943 roku|ekshumacją ofiar z 1943 roku|Wołyń
renowacja polskiego cmentarza|renowacji polskiego cmentarza|renowację polskiego cmentarza|renowacji polskiego cmentarza|renowacją polskiego cmentarza|cmentarze
odsłonięcie tablicy pamiątkowej|odsłonięcia tablicy pamiątkowej|odsłonięcie tablicy pamiątkowej|odsłonięciu tablicy pamiątkowej|odsłonięciem tablicy pamiątkowej|pamięć
odbudowa kościoła parafialnego|odbudowy kościoła parafialnego|odbudowę kościoła parafialnego|odbudowie kościoła parafialnego|odbudową kościoła parafialnego|zabytki
digitalizacja archiwów parafialnych|digitalizacji archiwów parafialnych|digitalizację archiwów parafialnych|digitalizacji archiwów parafialnych|digitalizacją archiwów parafialnych|archiwa
upamiętnienie ofiar rzezi wołyńskiej|upamiętnienia ofiar rzezi wołyńskiej|upamiętnienie ofiar rzezi wołyńskiej|upamiętnieniu ofiar rzezi wołyńskiej|upamiętnieniem ofiar rzezi wołyńskiej|Wołyń
zwrot zagrabionych dzieł sztuki|zwrotu zagrabionych dzieł sztuki|zwrot zagrabionych dzieł sztuki|zwrocie zagrabionych dzieł sztuki|zwrotem zagrabionych dzieł sztuki|zabytki
nauczanie języka polskiego w szkołach mniejszości|nauczania języka polskiego w szkołach mniejszości|nauczanie języka polskiego w szkołach mniejszości|nauczaniu języka polskiego w szkołach mniejszości|nauczaniem języka polskiego w szkołach mniejszości|Polacy na Wschodzie
konserwacja nagrobków legionistów|konserwacji nagrobków legionistów|konserwację nagrobków legionistów|konserwacji nagrobków legionistów|konserwacją nagrobków legionistów|cmentarze
poszukiwania mogił żołnierzy z 1920 roku|poszukiwań mogił żołnierzy z 1920 roku|poszukiwania mogił żołnierzy z 1920 roku|poszukiwaniach mogił żołnierzy z 1920 roku|poszukiwaniami mogił żołnierzy z 1920 roku|pamięć""",
    "regional": """przebudowa zakopianki|przebudowy zakopianki|przebudowę zakopianki|przebudowie zakopianki|przebudową zakopianki|drogi
budowa basenów termalnych|budowy basenów termalnych|budowę basenów termalnych|budowie basenów termalnych|budową basenów termalnych|turystyka
remont szlaku na Halę Gąsienicową|remontu szlaku na Halę Gąsienicową|remont szlaku na Halę Gąsienicową|remoncie szlaku na Halę Gąsienicową|remontem szlaku na Halę Gąsienicową|Tatry
opłata miejscowa|opłaty miejscowej|opłatę miejscową|opłacie miejscowej|opłatą miejscową|turystyka
walka ze smogiem w dolinach|walki ze smogiem w dolinach|walkę ze smogiem w dolinach|walce ze smogiem w dolinach|walką ze smogiem w dolinach|smog
parking przy Palenicy Białczańskiej|parkingu przy Palenicy Białczańskiej|parking przy Palenicy Białczańskiej|parkingu przy Palenicy Białczańskiej|parkingiem przy Palenicy Białczańskiej|Tatry
przygotowania do sezonu narciarskiego|przygotowań do sezonu narciarskiego|przygotowania do sezonu narciarskiego|przygotowaniach do sezonu narciarskiego|przygotowaniami do sezonu narciarskiego|narty
modernizacja kolei linowej|modernizacji kolei linowej|modernizację kolei linowej|modernizacji kolei linowej|modernizacją kolei linowej|Tatry
budowa kanalizacji w gminie|budowy kanalizacji w gminie|budowę kanalizacji w gminie|budowie kanalizacji w gminie|budową kanalizacji w gminie|inwestycje
ochrona niedźwiedzi w Tatrach|ochrony niedźwiedzi w Tatrach|ochronę niedźwiedzi w Tatrach|ochronie niedźwiedzi w Tatrach|ochroną niedźwiedzi w Tatrach|przyroda
rozbudowa szpitala powiatowego|rozbudowy szpitala powiatowego|rozbudowę szpitala powiatowego|rozbudowie szpitala powiatowego|rozbudową szpitala powiatowego|zdrowie
remont mostu na Dunajcu|remontu mostu na Dunajcu|remont mostu na Dunajcu|remoncie mostu na Dunajcu|remontem mostu na Dunajcu|drogi""",
    "culture": """festiwal folkloru ziem górskich|festiwalu folkloru ziem górskich|festiwal folkloru ziem górskich|festiwalu folkloru ziem górskich|festiwalem folkloru ziem górskich|folklor
wystawa malarstwa na szkle|wystawy malarstwa na szkle|wystawę malarstwa na szkle|wystawie malarstwa na szkle|wystawą malarstwa na szkle|sztuka
remont muzeum regionalnego|remontu muzeum regionalnego|remont muzeum regionalnego|remoncie muzeum regionalnego|remontem muzeum regionalnego|muzea
konkurs gawędziarzy|konkursu gawędziarzy|konkurs gawędziarzy|konkursie gawędziarzy|konkursem gawędziarzy|folklor
jarmark bożonarodzeniowy|jarmarku bożonarodzeniowego|jarmark bożonarodzeniowy|jarmarku bożonarodzeniowym|jarmarkiem bożonarodzeniowym|tradycja
przegląd kapel góralskich|przeglądu kapel góralskich|przegląd kapel góralskich|przeglądzie kapel góralskich|przeglądem kapel góralskich|muzyka
nauka gwary podhalańskiej|nauki gwary podhalańskiej|naukę gwary podhalańskiej|nauce gwary podhalańskiej|nauką gwary podhalańskiej|gwara
renowacja drewnianego kościoła|renowacji drewnianego kościoła|renowację drewnianego kościoła|renowacji drewnianego kościoła|renowacją drewnianego kościoła|zabytki""",
}

# ---------------------------------------------------------------- sentences
GENERIC_SENTENCES = (
    "{I.nom_cap} poinformował{I.la} {day}, że prace nad {T.ins} potrwają co najmniej do {miesiac_gen} {rok} roku.",
    "Według wstępnych szacunków koszt {T.gen} wyniesie około {kw}.",
    "Na spotkaniu zwołanym {day} radni przez kilka godzin dyskutowali o {T.loc}.",
    "Z danych {I.gen} wynika, że w ciągu ostatniego roku liczba wniosków wzrosła o {pr}.",
    "W spotkaniu {C.loc} uczestniczyło ponad {nbig} osób.",
    "Mieszkańcy {C.gen} od miesięcy domagają się konkretnych decyzji w sprawie {T.gen}.",
    "Pierwsze umowy mają zostać podpisane {miesiac_loc} {rok} roku.",
    "Eksperci zwracają uwagę, że opóźnienia mogą podnieść koszty nawet o {pr}.",
    "{P.role_cap} {P.name} zapowiedział{P.la}, że szczegóły zostaną przedstawione na konferencji prasowej {day} o godzinie {godz}.",
    "Opozycja zarzuca władzom brak przejrzystości i domaga się publikacji wszystkich dokumentów dotyczących {T.gen}.",
    "W tej sprawie złożono już {n} wniosków o udostępnienie informacji publicznej.",
    "Kontrola {I.gen} wykazała nieprawidłowości w {n} przypadkach.",
    "Decyzja zapadła po kilkutygodniowych konsultacjach z samorządowcami i organizacjami społecznymi {C.loc}.",
    "Do redakcji zgłosili się czytelnicy z {C2.gen}, którzy skarżą się na brak informacji o terminach prac.",
    "{Q.role_cap} {Q.name} przypomniał{Q.la}, że podobne rozwiązanie sprawdziło się wcześniej {C2.loc}.",
    "Jak zaznaczył{R.la} {R.role} {R.name}, kluczowe będzie tempo wydawania środków w {rok} roku.",
    "Według najnowszego sondażu {pr} ankietowanych popiera {T.acc}, a przeciwnego zdania jest co czwarty badany.",
    "Termin składania ofert upływa {dzien}, a wyniki mają być znane przed końcem {miesiac_gen}.",
    "W przetargu wpłynęło {n} ofert, a najtańsza opiewa na {kw}.",
    "Na razie nie wiadomo, czy harmonogram uda się utrzymać, bo część dokumentacji wciąż czeka na uzupełnienie.",
    "Sprawa ma zostać omówiona na najbliższym posiedzeniu {I2.gen} {dzien}.",
    "{I.nom_cap} zapewnia, że środki na ten cel są zabezpieczone w budżecie na {rok} rok.",
    "Wcześniej podobne zastrzeżenia zgłaszał{Q.la} {Q.role} {Q.name}.",
    "W ubiegłym roku na {T.acc} przeznaczono {kw}, czyli o {pr} mniej, niż zakładał pierwotny plan.",
    "Pierwszy etap ma się zakończyć do końca {rok} roku, a drugi rok później.",
    "Przedstawiciele {I2.gen} nie odpowiedzieli do czasu publikacji na pytania redakcji.",
    "Temat {T.gen} wraca regularnie od co najmniej {n} lat.",
    "Wielu mieszkańców {C.gen} dowiedziało się o planach dopiero z mediów społecznościowych.",
    "Na stronie internetowej {I.gen} opublikowano szczegółowy harmonogram oraz odpowiedzi na najczęściej zadawane pytania.",
    "Związkowcy zapowiadają, że jeśli ich postulaty nie zostaną uwzględnione, {miesiac_loc} zorganizują protest {C.loc}.",
    "Z informacji, do których dotarliśmy, wynika, że rozważane są co najmniej {trzy} warianty rozwiązania.",
    "Część ekspertów uważa jednak, że {T.nom} to dopiero pierwszy krok.",
    "Według szacunków {I.gen} na zmianach może zyskać nawet {nbig} gospodarstw domowych.",
    "Wniosek w tej sprawie poparło {n} radnych, a {n2} było przeciw.",
    "Kolejne spotkanie zaplanowano na {dzien} {C.loc}.",
    "Dokumenty trafiły już do {I2.gen}, a na ich ocenę przewidziano {n} dni.",
    "Nie jest to pierwsza taka sytuacja {C.loc}, bo podobny spór toczył się tam {lata} lat temu.",
    "Szacuje się, że z nowych rozwiązań skorzysta około {pr} mieszkańców regionu.",
    "W odpowiedzi na pytanie o terminy {R.role} {R.name} zaznaczył{R.la}, że wszystko zależy od decyzji {I2.gen}.",
    "Wątpliwości budzi przede wszystkim sposób finansowania {T.gen}.",
    "Projekt uchwały w sprawie {T.gen} ma liczyć {n} stron i zawierać kilkanaście załączników.",
    "Jeszcze {day} w urzędzie trwały rozmowy z wykonawcą, który domaga się waloryzacji kontraktu o {pr}.",
)

QUOTES = (
    "Nie możemy dłużej odkładać decyzji w sprawie {T.gen}",
    "To sprawa, która dotyczy tysięcy mieszkańców, dlatego chcemy działać szybko i przejrzyście",
    "Pieniądze są zabezpieczone, teraz potrzebujemy tylko zgody {I.gen}",
    "Nikt nie obiecywał, że będzie łatwo, ale harmonogram jest realny",
    "Spodziewamy się pierwszych efektów jeszcze przed końcem {rok} roku",
    "Rozmawiamy z każdym, kto ma konstruktywne propozycje",
    "Liczby mówią same za siebie i nie pozostawiają wątpliwości",
    "Oczekujemy jasnych odpowiedzi, a nie kolejnych zapowiedzi",
    "Mieszkańcy {C.gen} zasługują na rzetelną informację",
    "Jeśli nic się nie zmieni, za kilka miesięcy problem wróci ze zdwojoną siłą",
    "Nie wykluczamy żadnego scenariusza, także tego najmniej korzystnego",
    "Dialog jest jedyną drogą do trwałego porozumienia",
    "Nie podpiszemy dokumentu, którego nikt wcześniej nie pokazał opinii publicznej",
    "Wszystkie procedury zostały przeprowadzone zgodnie z prawem",
    "Czekamy na opinię ekspertów, zanim podejmiemy ostateczną decyzję",
    "Każdy miesiąc zwłoki kosztuje nas realne pieniądze",
    "Nie chodzi o politykę, tylko o bezpieczeństwo ludzi",
    "Zrobiliśmy wszystko, co było w naszej mocy, ale potrzebujemy wsparcia {I2.gen}",
    "To nie jest decyzja podjęta w pośpiechu, przygotowywaliśmy ją od {n} miesięcy",
    "Będziemy uważnie obserwować, jak nowe przepisy działają w praktyce",
    "Oczekiwania są ogromne, a czasu coraz mniej",
    "Chcemy, żeby sprawa {T.gen} przestała być tematem wyłącznie politycznych sporów",
)
QUOTE_SENTENCES = (
    "„{quote}” – powiedział{P.la} {P.role} {P.name}.",
    "„{quote}” – podkreślił{Q.la} {Q.role} {Q.name} podczas {event_gen}.",
    "{P.role_cap} {P.name} przekonywał{P.la}, że „{quote_lc}”.",
    "„{quote}” – dodał{R.la} {R.name}.",
    "Jak mówi {R.role} {R.name}, „{quote_lc}”.",
    "„{quote}” – stwierdził{Q.la} w rozmowie z naszą redakcją {Q.name}.",
)

POOL_SENTENCES = {
    "world": (
        "Rozmowy {C.loc} mają dotyczyć przede wszystkim {T.gen}.",
        "{P.role_cap} {P.name} zapowiedział{P.la}, że {P.jego} kraj nie zmieni stanowiska w sprawie {T.gen}.",
        "Agencja {agency} podała, powołując się na źródła dyplomatyczne, że spotkanie może odbyć się jeszcze przed końcem {miesiac_gen}.",
        "Ministrowie spraw zagranicznych państw regionu spotkają się {day} {C2.loc}.",
        "Wcześniej {I.nom} wezwał{I.la} strony do powściągliwości i kontynuowania dialogu.",
        "Komunikat opublikowany po spotkaniu {C.loc} mówi o „konstruktywnej atmosferze” rozmów, ale nie zawiera konkretnych zobowiązań.",
        "Analitycy wskazują, że porozumienie w sprawie {T.gen} byłoby pierwszym takim dokumentem od {n} lat.",
        "Według nieoficjalnych informacji delegacje mają wymienić się projektami dokumentów jeszcze {day}.",
        "Sprawą zajmie się także {I2.nom} na posiedzeniu zaplanowanym na {dzien}.",
        "Obserwatorzy zwracają uwagę, że rozmowy {C.loc} toczą się w cieniu napięć na wschodniej flance NATO.",
        "Według agencji {agency} w rozmowach uczestniczy {n} delegacji.",
    ),
    "economy": (
        "Inflacja {miesiac_loc} wyniosła {pr} rok do roku – wynika z szybkiego szacunku Głównego Urzędu Statystycznego.",
        "Ekonomiści ankietowani przez agencję {agency} spodziewali się odczytu na poziomie {pr}.",
        "Złoty osłabił się wobec euro, a za jedną europejską walutę płacono po południu {eur} zł.",
        "Przedsiębiorcy z {C.gen} zwracają uwagę na rosnące koszty pracy i energii.",
        "Sprzedaż detaliczna w ujęciu realnym wzrosła o {pr} w porównaniu z analogicznym okresem ubiegłego roku.",
        "Według analityków {T.nom} {T.moze} przełożyć się na wyższe ceny dla konsumentów w {rok} roku.",
        "Wartość inwestycji szacowana jest na {kw}, a pierwsze efekty mają być widoczne w {rok} roku.",
        "Spółka zatrudnia obecnie ponad {nbig} pracowników w {n} zakładach.",
        "Kurs akcji spółki spadł na otwarciu sesji o {pr}, ale po południu odrobił część strat.",
    ),
    "history": (
        "Prace prowadzone są we współpracy z Instytutem Pamięci Narodowej i miejscowymi władzami.",
        "Na miejscu odnaleziono szczątki co najmniej {n} osób.",
        "Uroczystości upamiętniające ofiary zaplanowano na {dzien} {C.loc}.",
        "Historycy podkreślają, że wiele miejsc pamięci na dawnych Kresach wciąż czeka na renowację.",
        "W uroczystości wzięli udział przedstawiciele polskiej dyplomacji, duchowni oraz potomkowie dawnych mieszkańców {C.gen}.",
        "Renowację sfinansowano ze środków zebranych przez darczyńców z Polski i zagranicy.",
        "Pierwsze wzmianki o tym miejscu pochodzą z {wiek} wieku.",
        "Wolontariusze z {C2.gen} od {n} lat porządkują opuszczone groby.",
    ),
    "regional": (
        "W miniony weekend Tatry odwiedziło ponad {nbig} turystów.",
        "Ratownicy apelują o rozwagę i sprawdzanie prognozy pogody przed wyjściem w góry.",
        "Radni powiatu nowotarskiego przyjęli uchwałę w sprawie {T.gen} niemal jednogłośnie.",
        "Prace mają potrwać do {miesiac_gen} przyszłego roku.",
        "Utrudnienia w ruchu mogą wystąpić na drodze z {C.gen} do {C2.gen}.",
        "Mieszkańcy {C.gen} podkreślają, że to inwestycja, na którą czekali od lat.",
        "Koło Gospodyń Wiejskich z {C2.gen} przygotowało na tę okazję regionalne potrawy.",
        "Na parkingach przy wylotach szlaków {day} brakowało wolnych miejsc już przed godziną {godz}.",
    ),
    "culture": (
        "Festiwal potrwa {n} dni, a bilety można kupić w kasie ośrodka kultury {C.loc}.",
        "Wystawę można oglądać do {dzien}.",
        "Na scenie wystąpi {n} zespołów regionalnych z Polski i Słowacji.",
        "Organizatorzy zapowiadają warsztaty dla dzieci oraz spotkania z twórcami ludowymi z {C2.gen}.",
        "Wstęp na wszystkie wydarzenia jest bezpłatny, ale liczba miejsc jest ograniczona do {nbig} osób.",
    ),
}
POOL_SENTENCES["domestic"] = ()

TITLES = (
    "{C.nom}: spór o {T.acc}",
    "Decyzja w sprawie {T.gen}. {I.nom_cap} zabiera głos",
    "{kw_cap} na {T.acc}. Jest decyzja {I.gen}",
    "Nowe fakty w sprawie {T.gen} {C.loc}",
    "{P.role_cap} {P.name} o {T.loc}: {short}",
    "Ważą się losy {T.gen} {C.loc}",
    "{C.nom} czeka na {T.acc}",
    "Kontrola {I.gen}: nieprawidłowości przy {T.loc}",
    "Mieszkańcy {C.gen} pytają o {T.acc}",
    "Bez przełomu w sprawie {T.gen}",
    "{I.nom_cap} zapowiada zmiany. Chodzi o {T.acc}",
    "{T.nom_cap} {C.loc}. Znamy szczegóły",
    "Co dalej z {T.ins}? {I.nom_cap} odpowiada",
    "{T.nom_cap}: {short}",
    "{P.name}: {short}. Chodzi o {T.acc}",
)
SHORT_QUOTES = ("To dopiero początek", "Nie ma na co czekać", "Czas na konkrety", "Harmonogram jest realny",
                "Nie odpuścimy", "Potrzebujemy więcej czasu", "Jesteśmy gotowi na rozmowy",
                "Decyzja zapadnie wkrótce", "To był trudny rok", "Mamy plan awaryjny")

# leads start with a common noun or role (so lowercasing the first letter stays grammatical)
LEADS = (
    "{P.role_cap} {P.name} zapowiedział{P.la} {day}, że decyzja w sprawie {T.gen} zapadnie jeszcze przed końcem roku",
    "{P.role_cap} {P.name} i {Q.role} {Q.name} mają {day} rozmawiać {C.loc} o {T.loc}",
    "Władze {C.gen} ogłosiły nowy harmonogram {T.gen}, który zakłada zakończenie prac w {rok} roku",
    "Przedstawiciele {I.gen} spotkali się {day} {C.loc}, by omówić {T.acc}",
    "{P.role_cap} {P.name} ostrzegł{P.la}, że bez dodatkowych {kw} {T.nom} {T.moze} się opóźnić o {n} miesięcy",
    "Radni i eksperci spierają się o {T.acc}, a mieszkańcy {C.gen} czekają na konkretne odpowiedzi",
    "Kontrolerzy {I.gen} sprawdzili {T.acc} {C.loc} i wskazali {n} poważnych uchybień",
    "Uczestnicy {event_gen} {C.loc} przez {n} godzin debatowali nad {T.ins}",
)
LEAD_TAILS = (
    "To pierwsza taka decyzja od {n} lat.",
    "Sprawa budzi emocje od wielu miesięcy.",
    "Opozycja zapowiada kontrolę poselską.",
    "Szczegóły mają być znane {dzien}.",
    "Wszystko wskazuje na to, że spór szybko się nie zakończy.",
)

EVENTS_GEN = ("konferencji prasowej", "briefingu w urzędzie", "spotkania z dziennikarzami", "sesji rady",
              "debaty publicznej", "posiedzenia komisji", "spotkania z mieszkańcami")
AGENCIES_NEWS = ("Reuters", "AFP", "Associated Press", "PAP", "Ukrinform", "DPA", "Bloomberg")
WEEKDAYS_LOC = ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę", "w niedzielę")
MONTHS_GEN = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
              "września", "października", "listopada", "grudnia")
MONTHS_LOC = ("w styczniu", "w lutym", "w marcu", "w kwietniu", "w maju", "w czerwcu", "w lipcu",
              "w sierpniu", "we wrześniu", "w październiku", "w listopadzie", "w grudniu")
CENTURIES = ("XV", "XVI", "XVII", "XVIII", "XIX")
COUNT_WORDS = ("trzy", "cztery", "dwa")

COMMENT_NICKS = ("Obserwator_77", "Marek z Radomia", "zatroskana_mama", "Kasia K.", "realista",
                 "Jan_Pomorze", "stary_czytelnik", "Gość", "Mieszkaniec", "Ala z Mokotowa", "kierowca_PKS",
                 "emeryt_z_Bałut", "Zbyszek1960", "Ola_Tatry")
COMMENTS = (
    "Znowu obiecują, a potem nic z tego nie wyjdzie. Pamiętam podobne zapowiedzi sprzed lat.",
    "W końcu ktoś się tym zajął! Szkoda tylko, że tak późno.",
    "A kto za to zapłaci? Oczywiście my, podatnicy.",
    "Mieszkam {C.loc} i nikt nas o zdanie nie pytał. Tak wygląda ta cała konsultacja.",
    "Dobry artykuł, rzetelnie opisana sprawa. Czekam na ciąg dalszy.",
    "Ciekawe, ile z tych {kw} trafi tam, gdzie powinno.",
    "Przecież to było wiadomo od dawna, wystarczyło posłuchać ludzi.",
    "Nie rozumiem, dlaczego tak długo to trwa. W innych krajach robią to w rok.",
    "Popieram, ale diabeł tkwi w szczegółach.",
    "Redakcjo, proszę sprawdzić, co dzieje się {C2.loc}, bo tam jest jeszcze gorzej.",
)
CAPTIONS = (
    "Konferencja prasowa {C.loc}",
    "{P.role_cap} {P.name} podczas spotkania z dziennikarzami",
    "Sesja rady {C.loc}, zdjęcie ilustracyjne",
    "Uczestnicy spotkania {C.loc}",
    "Zdjęcie ilustracyjne",
    "{P.name} w trakcie {event_gen}",
)
PHOTOGRAPHERS = ("Anna Nowak", "Piotr Wójcik", "Tomasz Krawczyk", "Ewa Mazur", "Jakub Sikora", "Marta Zając")
