"""Which language one free-text message is in: English, or Indonesian (Banjar counted as Indonesian).

Messages to the bot are short, informal and mixed: "how to cek my bpjs tk status", "income sy sekitar 2 jtan",
"ulun handak batakun". General language identifiers (character n-gram models) are trained on long, clean text
and guess wildly on such messages, so this counts common words of each language instead: function words,
chat abbreviations ("yg", "brp", "gmn") and Banjar words ("ulun", "pian", "kada", "handak", "gasan"). Words both
languages use in chat ("ok", "online", "driver", "data", "bpjs") count for neither.

English needs clear evidence (at least two English words and more than twice the Indonesian ones), because
telling an Indonesian speaker "I will answer in English" is the worse mistake; when neither side wins clearly
the answer is None (too short, numbers, emoji, "ok", "JHT?").
"""

from __future__ import annotations

import re

EN, ID = "en", "id"
MAX_CHARS = 2000  # the first words say enough; bounds the work on a long message
_URL = re.compile(r"\S+://\S+|www\.\S+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

ENGLISH_WORDS = frozenset("""
    the a an is are was were be been being am i i'm im i've i'd i'll my me mine myself you you're your yours we
    we're our us they they're their them he he's she she's his her him it it's its this that that's these those
    what what's whats which who who's whom whose when where where's why how how's do does did doing don't dont
    doesn't didn't can can't cannot could couldn't will would won't wouldn't should shall may might must have
    has had haven't hasn't not yes of to in on at for from with without by about into onto over under than then
    there here if or and but so because also only just still already again even very really too all any some
    every each much many more most less few other another such own same please thanks thank hello hey good
    morning evening afternoon night bye goodbye want wants wanted need needs needed get gets got getting give
    pay paid pays paying work works worked working job jobs month months monthly year years week weeks day days
    old young new money payment payments register registered registration sign up out find know like think
    would last next before after late early being someone somebody anyone anything something nothing everyone
    family father mother wife husband son daughter child children kids brother sister siblings parents
    insurance cover covered coverage benefit benefits accident injury injured hurt sick illness die died death
    dies passed away widow pension savings withdraw withdrawal balance claim claims fee fees contribution
    contributions cost costs price cheap expensive free discount less reply answer question questions wrong
    right correct help call hotline number card phone account membership member members join joined joining
    leave end cancel stop delete deleted store stored keep safe office hospital nearest partner government poor
    farmers fishermen fisherman workers worker employer company vendor vendors street teacher volunteer school
    cleaner housekeeper courier couriers parcels motorbike photographer freelance self employed considered
    people community trust report compulsory required documents document need does apply eligible informal
    formal moving difference between already until without able allowed way ways enough english sorry say tell
    send reminder due each whole still while during since anyway though although however whether yet
""".split())

INDONESIAN_WORDS = frozenset("""
    saya sy aku ak gw gue gua ane kamu km anda dia ia beliau kami kita mereka yang yg dan dn di ke dari dr untuk
    utk buat bwt dengan dgn sama sm ini itu tu ni nih tuh ada adakah tidak tdk tak gak gk ga nggak ngga enggak
    engga ndak bukan sudah udah udh sdh dah belum blm bisa bs mau mo ingin pengen pingin apa apakah berapa brp
    brapa bagaimana gimana gmn gmna kenapa knp mengapa kapan kpn dimana dmn mana siapa sapa kalau klo kalo kl
    jika jikalau tapi tp tetapi jadi jd juga jg lagi lg masih msh cuma cuman hanya aja saja doang banyak bnyk
    sekali skali banget bgt sangat kok dong deh sih nya kah lah pun yah iya ya kak kakak min mimin mas mbak
    pak bapak bu ibu bang abang dek om tante bos terima kasih makasih mksh trims trimakasih tengkyu suwun
    selamat pagi siang sore malam assalamualaikum waalaikumsalam wassalam salam halo hallo hai dadah jumpa
    alhamdulillah insyaallah maaf mohon tolong permisi boleh harus hrs perlu dapat dapet dpt dapatkah punya
    kerja bekerja pekerja pekerjaan karyawan iuran iurannya bayar bayarnya membayar dibayar daftar mendaftar
    pendaftaran daftarnya sebulan bulan bln tahun thn hari sehari minggu seminggu orang org anak istri suami
    keluarga gaji gajinya penghasilan pendapatan uang duit harga murah mahal tanya nanya bertanya sampai sampe
    atau atau ato karena krn karna soal tentang ttg sebagai sbg seperti kayak kyk kaya gitu begitu begini gini
    siap sip paham jelas infonya dulu nanti ntar skrg sekarang tadi td kemarin kmrn besok lusa lewat lwt pakai
    pake baru lama cara caranya syarat syaratnya kantor rumah pasar jalan nomor nomer ktp kartu kartunya cek
    ngecek mengecek tau tahu ngerti mengerti ikut ikutan gabung sekitar sekitaran rata kira naik turun bersih
    untung jualan berjualan dagang pedagang tukang nelayan petani buruh supir sopir ojek keliling kecil besar
    sakit meninggal kecelakaan kena bantuan masuk keluar mana aja apa lagi terus trus trs habis abis udh blum
    gimana emang memang kalau kapan sebelum sesudah setelah sedang lagi akan bakal sudah pernah belum semua
    setiap tiap per dapet klaim mengurus ngurus urus diurus mengajukan berlaku aktif hilang ilang ganti
    ubah diubah benar bener betul salah juga pula saja tanggal tgl jam pas waktu kali cukup lebih kurang
    sedikit dikit skit tambah nambah potongan potong diskon denda telat tunggakan nunggak cicilan
    sendiri bareng bersama oleh pada kepada bagi akan agar supaya biar walaupun meskipun tetap
    ulun pian kada handak barapa gasan nang amun mun wayah bagawi lawan haja kawa dangar sabulan sahari
    kaina umpat batakun mancek bujur banar kalupaan baisi baisukan bahuma bakabun tagal inya kanapa
    manukar maantar mambayar mangurus mambaiki sabarapa kaya kayapa kalo labih saikit jua tuha hulu ampih
    guring matan tadi urang sidin ikam unda bubuhan pang lah kah ai kada tantu tagalincir takutan
    alamat aktifkan jawaban kunci kirim apaan jumlah peserta minta gagal lowongan berhenti hapus lihat
""".split()) - ENGLISH_WORDS


def detect_language(text: str) -> str | None:
    """"en", "id" (Indonesian or Banjar) or None when the message does not say (too short, numbers, emoji)."""
    # Distinct words, so markup or a repeated word ("<a ...>klik</a>") does not make a language.
    words = set(_WORD.findall(_URL.sub(" ", text[:MAX_CHARS].lower())))
    english = len(words & ENGLISH_WORDS)
    indonesian = len(words & INDONESIAN_WORDS)
    if english >= 2 and english > 2 * indonesian:
        return EN
    if indonesian > english:
        return ID
    return None
